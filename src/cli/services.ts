/**
 * `wsp services up|down|status [names…]`: project-local PostgreSQL, Redis and MLflow without
 * Docker (see src/services). With no names, all three.
 */
import type { Command } from "commander";
import {
  SERVICE_NAMES,
  type ServiceName,
  type ServiceStatus,
  servicesDown,
  servicesStatus,
  servicesUp,
} from "../services";

function serviceNames(args: string[]): ServiceName[] {
  for (const a of args) {
    if (!(SERVICE_NAMES as readonly string[]).includes(a)) {
      throw new Error(`unknown service '${a.slice(0, 40)}': expected ${SERVICE_NAMES.join(", ")}`);
    }
  }
  return args.length > 0 ? (args as ServiceName[]) : [...SERVICE_NAMES];
}

function line(s: ServiceStatus): string {
  const parts = [s.name.padEnd(8), s.up ? "up  " : "down", s.url];
  if (s.configuredBy) parts.push(`(${s.configuredBy})`);
  if (s.pid !== null) parts.push(`pid ${s.pid}`);
  if (s.logPath) parts.push(`log ${s.logPath}`);
  return parts.join("  ");
}

export function registerServicesCommands(program: Command): void {
  const services = program
    .command("services")
    .description("project-local PostgreSQL, Redis and MLflow without Docker (data and logs under .wsp/services)");

  services
    .command("up")
    .argument("[names...]", `any of ${SERVICE_NAMES.join(", ")} (default: all)`)
    .description("start them unless they answer; they keep running in the background")
    .action(async (args: string[]) => {
      for (const s of await servicesUp(serviceNames(args))) {
        const how = s.configuredBy ? "configured" : s.started ? "started" : "already running";
        console.log(`${line(s)}  [${how}]`);
        if (!s.up) process.exitCode = 1;
      }
    });

  services
    .command("down")
    .argument("[names...]", `any of ${SERVICE_NAMES.join(", ")} (default: all)`)
    .description("stop the local ones; a server named by an environment variable is left alone")
    .action(async (args: string[]) => {
      for (const s of await servicesDown(serviceNames(args))) {
        const what = s.configuredBy
          ? `${s.configuredBy} is set: not managed here, left running`
          : s.stopped
            ? "stopped"
            : "was not running";
        console.log(`${s.name.padEnd(8)} ${what}`);
      }
    });

  services
    .command("status")
    .argument("[names...]", `any of ${SERVICE_NAMES.join(", ")} (default: all)`)
    .description("whether each answers, its URL, pid and log; exit 1 when one is down")
    .action(async (args: string[]) => {
      for (const s of await servicesStatus(serviceNames(args))) {
        console.log(line(s));
        if (!s.up) process.exitCode = 1;
      }
    });
}
