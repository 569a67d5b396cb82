/** Public surface of viz: plotly figures as data, rendered as HTML (notebooks, reports) or PNG. */
export * from "./figure";
export * from "./timeAxis";
export * from "./candlestick";
export * from "./lineFigure";
export * from "./barFigure";
export * from "./histogramFigure";
export * from "./html";
export * from "./png";
