/**
 * Every indicator of the library as a descriptor, in family order: the one table the feature
 * registry (with breadth) and the indicator catalog are read from. Adding an indicator = a file
 * exporting its descriptor + one line here.
 */
import { accumulationDistributionIndicator } from "./accumulationDistribution";
import { adxIndicator } from "./adx";
import { apoIndicator } from "./apo";
import { aroonIndicator } from "./aroon";
import { atrIndicator } from "./atr";
import { autocorrelationIndicator } from "./autocorrelation";
import { barShapeIndicator } from "./barShape";
import { bollingerIndicator } from "./bollinger";
import { calendarIndicator } from "./calendar";
import { cciIndicator } from "./cci";
import { chaikinMoneyFlowIndicator } from "./chaikinMoneyFlow";
import { chaikinOscillatorIndicator } from "./chaikinOscillator";
import { closeIndicator } from "./closeLevel";
import { cmoIndicator } from "./cmo";
import { closeToCloseVolatilityIndicator } from "./closeToCloseVolatility";
import { corwinSchultzSpreadIndicator } from "./corwinSchultzSpread";
import { demaIndicator } from "./dema";
import { donchianIndicator } from "./donchian";
import { emaIndicator } from "./ema";
import { garmanKlassVolatilityIndicator } from "./garmanKlassVolatility";
import { hmaIndicator } from "./hma";
import { hurstExponentIndicator } from "./hurstExponent";
import { ichimokuIndicator } from "./ichimoku";
import { kamaIndicator } from "./kama";
import { keltnerIndicator } from "./keltner";
import { linRegSlopeIndicator } from "./linRegSlope";
import { logReturnIndicator } from "./logReturns";
import { macdIndicator } from "./macd";
import { mfiIndicator } from "./mfi";
import { momentumIndicator } from "./momentum";
import { natrIndicator } from "./natr";
import { obvIndicator } from "./obv";
import { psarIndicator } from "./parabolicSar";
import { parkinsonVolatilityIndicator } from "./parkinsonVolatility";
import { percentileRankIndicator } from "./percentileRank";
import { ppoIndicator } from "./ppo";
import { preBreakoutIndicator } from "./preBreakout";
import { rangeCompressionIndicator } from "./rangeCompression";
import { relativeStrengthIndicator } from "./relativeStrength";
import { relativeVolumeIndicator } from "./relativeVolume";
import { rocIndicator } from "./roc";
import { rollSpreadIndicator } from "./rollSpread";
import { betaIndicator } from "./rollingBeta";
import { correlationIndicator } from "./rollingCorrelation";
import { kurtosisIndicator } from "./rollingKurtosis";
import { skewIndicator } from "./rollingSkew";
import { closeZScoreIndicator, volumeZScoreIndicator } from "./rollingZScore";
import { rsiIndicator } from "./rsi";
import { sessionClockIndicator } from "./sessionClock";
import { smaIndicator } from "./sma";
import { standardDeviationIndicator } from "./standardDeviation";
import { stochRsiIndicator } from "./stochRsi";
import { stochasticIndicator } from "./stochastic";
import { t3Indicator } from "./t3";
import { temaIndicator } from "./tema";
import { trixIndicator } from "./trix";
import { tsiIndicator } from "./tsi";
import { ultimateOscillatorIndicator } from "./ultimateOscillator";
import { vwapIndicator, vwapRollingIndicator } from "./vwap";
import { williamsRIndicator } from "./williamsR";
import { wmaIndicator } from "./wma";
import { yangZhangVolatilityIndicator } from "./yangZhangVolatility";
import type { IndicatorDescriptor } from "./descriptor";

export const INDICATOR_TABLE: readonly IndicatorDescriptor[] = [
  smaIndicator,
  emaIndicator,
  wmaIndicator,
  demaIndicator,
  temaIndicator,
  t3Indicator,
  kamaIndicator,
  hmaIndicator,
  psarIndicator,
  macdIndicator,
  adxIndicator,
  aroonIndicator,
  ichimokuIndicator,
  linRegSlopeIndicator,
  rsiIndicator,
  stochasticIndicator,
  stochRsiIndicator,
  williamsRIndicator,
  cciIndicator,
  rocIndicator,
  momentumIndicator,
  tsiIndicator,
  trixIndicator,
  cmoIndicator,
  apoIndicator,
  ppoIndicator,
  ultimateOscillatorIndicator,
  mfiIndicator,
  atrIndicator,
  natrIndicator,
  bollingerIndicator,
  keltnerIndicator,
  donchianIndicator,
  standardDeviationIndicator,
  closeToCloseVolatilityIndicator,
  parkinsonVolatilityIndicator,
  garmanKlassVolatilityIndicator,
  yangZhangVolatilityIndicator,
  obvIndicator,
  accumulationDistributionIndicator,
  chaikinMoneyFlowIndicator,
  chaikinOscillatorIndicator,
  vwapIndicator,
  vwapRollingIndicator,
  volumeZScoreIndicator,
  relativeVolumeIndicator,
  logReturnIndicator,
  closeZScoreIndicator,
  skewIndicator,
  kurtosisIndicator,
  autocorrelationIndicator,
  hurstExponentIndicator,
  percentileRankIndicator,
  closeIndicator,
  corwinSchultzSpreadIndicator,
  rollSpreadIndicator,
  rangeCompressionIndicator,
  preBreakoutIndicator,
  barShapeIndicator,
  betaIndicator,
  correlationIndicator,
  relativeStrengthIndicator,
  calendarIndicator,
  sessionClockIndicator,
];
