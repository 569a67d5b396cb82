/** Public surface of viz: plotly figures as data, rendered as HTML (notebooks, reports) or PNG. */
export { type Figure, plainNumbers } from "./figure";
export { timeLabels } from "./timeAxis";
export { candlestickFigure } from "./candlestick";
export { equityFigure, lineFigure } from "./lineFigure";
export { barFigure } from "./barFigure";
export { escapeHtml, figureHtml, type PagePanel, panelPageHtml, plotlyJs, renderHtml } from "./html";
export { chromiumAvailable, chromiumMissing, chromiumPath, renderPng } from "./png";
export { histogramFigure } from "./histogramFigure";
export { heatmapFigure } from "./heatmapFigure";
export { tableFigure } from "./tableFigure";
export { readableTable, type ReadableTableOptions, roundForReading } from "./readableTable";
export { type ScatterOptions, type ScatterSeries, scatterFigure } from "./scatterFigure";
export { type ShapSummaryFeature, shapSummaryFigure } from "./shapSummaryFigure";
