/**
 * A confusion matrix as a heatmap: true classes down, predictions across, each cell coloured by
 * its share of the true class's rows (so a rare class reads as well as a common one) and
 * labelled with its count and that share.
 */
import type { Figure } from "./figure";

export interface ConfusionOptions {
  title: string;
  xTitle?: string;
  yTitle?: string;
  height?: number;
}

export function confusionFigure(
  trueLabels: readonly string[],
  predictedLabels: readonly string[],
  counts: readonly (readonly number[])[],
  opts: ConfusionOptions,
): Figure {
  if (counts.length !== trueLabels.length)
    throw new RangeError(`confusion: ${counts.length} rows of counts for ${trueLabels.length} true labels`);
  counts.forEach((row, i) => {
    if (row.length !== predictedLabels.length) {
      throw new RangeError(
        `confusion: row ${i} (${trueLabels[i]}) has ${row.length} counts for ${predictedLabels.length} predicted labels`,
      );
    }
  });
  const share = counts.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((c) => (total > 0 ? c / total : null));
  });
  const text = counts.map((row, i) =>
    row.map((c, j) => `${c}<br>${share[i][j] === null ? "n/a" : `${((share[i][j] as number) * 100).toFixed(1)} %`}`),
  );
  return {
    data: [
      {
        type: "heatmap",
        x: [...predictedLabels],
        y: [...trueLabels],
        z: share,
        text,
        texttemplate: "%{text}",
        hovertemplate: "true %{y}, predicted %{x}: %{text}<extra></extra>",
        colorscale: "Blues",
        zmin: 0,
        zmax: 1,
        colorbar: { title: { text: "share of true class" } },
      },
    ],
    layout: {
      title: { text: opts.title },
      height: opts.height ?? Math.max(320, 70 * trueLabels.length + 160),
      margin: { l: 100, r: 20, t: 60, b: 60 },
      xaxis: { type: "category", title: { text: opts.xTitle ?? "predicted" }, side: "bottom" },
      yaxis: { type: "category", title: { text: opts.yTitle ?? "true" }, autorange: "reversed" },
    },
  };
}
