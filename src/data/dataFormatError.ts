import { quoteInput } from "./quoteInput";

/**
 * Raised for input that cannot become valid `Bars`: a malformed CSV, an unknown ticker, a bad
 * timestamp. It names where the problem is (file, 1-based line and column, column name) so a
 * researcher can open the file at that spot.
 */
export class DataFormatError extends Error {
  override readonly name = "DataFormatError";

  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly column: number | null,
    readonly columnName: string | null,
    readonly reason: string,
  ) {
    super(DataFormatError.describe(file, line, column, columnName, reason));
  }

  private static describe(
    file: string,
    line: number | null,
    column: number | null,
    columnName: string | null,
    reason: string,
  ): string {
    let where = file;
    if (line !== null) where += `:${line}`;
    if (column !== null) where += `:${column}`;
    if (columnName !== null) where += ` (column ${quoteInput(columnName)})`;
    return `${where}: ${reason}`;
  }
}
