export { atrAmount, decideOnCandle, type DecideInput, type Decision } from './decideOnCandle.ts';
export { KILL_SWITCH_VERSION, killSwitchSignals, type KillSwitchInput } from './killSwitch.ts';
export { backtestLoop, type BacktestBar, type BacktestInput, type BacktestResult, type EquityPoint, type Rejection } from './backtestLoop.ts';
