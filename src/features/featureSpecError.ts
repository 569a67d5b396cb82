/**
 * Bad feature spec or input: the message starts with the spec entry's path in the config
 * (`features.set[3]`, `features.timeframes[1]`) and says what was expected.
 */
export class FeatureSpecError extends Error {
  readonly path: string;

  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = "FeatureSpecError";
    this.path = path;
  }
}
