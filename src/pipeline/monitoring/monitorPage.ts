/**
 * The monitoring page as one self-contained HTML document (plotly inlined, so it works offline
 * and behind a proxy that passes one request): the panels of MonitorData, each under a stable
 * element id the page test and scripts look for.
 */
import {
  equityFigure,
  heatmapFigure,
  lineFigure,
  type PagePanel,
  panelPageHtml,
  tableFigure,
  timeLabels,
} from "../../viz";
import { PSI_DRIFT } from "../../monitoring";
import type { MonitorData } from "./monitorData";

export const MONITOR_PANEL_IDS = {
  forecasts: "monitor-forecasts",
  accuracy: "monitor-accuracy",
  drift: "monitor-drift",
  paper: "monitor-paper",
  dashboardLink: "monitor-dashboard-link",
} as const;

/** PSI above this is drift (issue 18); the heat map's colour scale tops out at twice it. */

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** Latest forecasts as table rows: the columns `wsp monitor` prints too. */
export function forecastTable(d: MonitorData): { header: string[]; rows: string[][] } {
  const header = ["bar", "ticker", "signal", "confidence", "probabilities", "regime", "status", "outcome"];
  const rows = d.forecasts.map((f) => [
    timeLabels([f.barTs], d.timeframe)[0],
    f.symbol,
    f.signal,
    f.confidence.toFixed(3),
    Object.entries(f.probabilities)
      .map(([c, p]) => `${c}=${p.toFixed(3)}`)
      .join(" "),
    f.regime ?? "warming up",
    f.status,
    f.correct === null ? "pending" : f.correct ? "right" : "wrong",
  ]);
  return { header, rows };
}

function forecastsPanel(d: MonitorData): PagePanel {
  const heading = "Latest forecasts";
  const id = MONITOR_PANEL_IDS.forecasts;
  if (d.forecasts.length === 0) return { id, heading, note: "No forecasts stored for this version yet." };
  const { header, rows } = forecastTable(d);
  return { id, heading, figure: tableFigure(header, rows) };
}

function accuracyPanel(d: MonitorData): PagePanel {
  const a = d.accuracy;
  const heading = `Rolling accuracy over ${a.window} matured forecasts`;
  const id = MONITOR_PANEL_IDS.accuracy;
  if (a.ts.length === 0) {
    return { id, heading, note: `${a.metrics.n} labelled outcomes so far; the rolling accuracy needs ${a.window}.` };
  }
  const levels = [
    ...(a.baseline === null ? [] : [{ name: `baseline ${pct(a.baseline)}`, value: a.baseline }]),
    ...a.thresholds.map((t) => ({ name: `${t.band} below ${pct(t.accuracy)}`, value: t.accuracy })),
  ];
  const title = a.band === null ? "accuracy" : `accuracy (band: ${a.band})`;
  return {
    id,
    heading,
    figure: lineFigure([{ name: "rolling accuracy", ts: a.ts, values: a.accuracy }], {
      title,
      timeframe: d.timeframe,
      yTitle: "accuracy",
      levels,
      height: 380,
    }),
  };
}

function driftPanel(d: MonitorData): PagePanel {
  const heading = "Drift: PSI per feature by check";
  const id = MONITOR_PANEL_IDS.drift;
  const { checks, features, psi } = d.drift;
  if (checks.length === 0) return { id, heading, note: "No drift check has run for this version yet." };
  if (features.length === 0) return { id, heading, note: `${checks.length} drift checks, none with PSI per feature.` };
  const columns = checks.map((c) => new Date(c.checkedAt).toISOString().slice(0, 16).replace("T", " "));
  return {
    id,
    heading,
    figure: heatmapFigure(columns, features, psi, {
      title: `latest verdict: ${checks[checks.length - 1].verdict}`,
      valueTitle: "PSI",
      zmin: 0,
      zmax: 2 * PSI_DRIFT,
    }),
  };
}

function paperPanel(d: MonitorData): PagePanel {
  const heading = "Paper trading";
  const id = MONITOR_PANEL_IDS.paper;
  if (d.paper === null) return { id, heading, note: "No paper run for this version." };
  const p = d.paper;
  return {
    id,
    heading,
    figure: equityFigure(p.ts, p.equity, {
      title: "paper equity",
      timeframe: d.timeframe,
      benchmark: { name: p.benchmark.name, values: p.benchmark.values },
      height: 380,
    }),
  };
}

export function monitorPageHtml(d: MonitorData): string {
  const m = d.model;
  const served = `${m.name}/${m.version}${m.alias ? ` (@${m.alias})` : ""}`;
  const subtitle = `${served}, ${d.timeframe} bars; generated ${new Date(d.generatedAt).toISOString()}`;
  return panelPageHtml(
    `Monitoring ${m.name}`,
    [
      forecastsPanel(d),
      accuracyPanel(d),
      driftPanel(d),
      paperPanel(d),
      {
        id: MONITOR_PANEL_IDS.dashboardLink,
        heading: "Jobs",
        link: { href: d.dashboardUrl, text: `Queue dashboard (${d.dashboardUrl})` },
      },
    ],
    subtitle,
  );
}
