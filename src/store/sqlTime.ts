/** How the store's SQL converts between timestamptz columns and the API's UTC epoch ms. */

/** A timestamptz column (or expression) as epoch ms; NULL stays NULL. */
export const EPOCH_MS = (col: string) => `round(date_part('epoch', ${col}) * 1000)`;

/** A float8 parameter in epoch ms as timestamptz; exact to the microsecond, which whole ms are. */
export const FROM_MS = (param: string) => `to_timestamp(${param}::float8 / 1000)`;
