/** Public surface of the regimes: trend/range/volatile, the 12-regime grid, labels, features and shares per year. */
export * from "./regimeConfig";
export * from "./regimeLabels";
export * from "./trendRegime";
export * from "./gridRegime";
export * from "./expandingPercentile";
export * from "./rollingMedian";
