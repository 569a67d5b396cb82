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
export { type Curve, type CurvePanel, curveFigure } from "./curveFigure";
export { confusionFigure } from "./confusionFigure";
export { htmlTable } from "./htmlTable";
export { type IntervalBarOptions, type IntervalSeries, intervalBarFigure } from "./intervalBarFigure";
export { readableTable, type ReadableTableOptions, roundForReading } from "./readableTable";
export { type ScatterOptions, type ScatterSeries, scatterFigure } from "./scatterFigure";
export { type ShapSummaryFeature, shapSummaryFigure } from "./shapSummaryFigure";
