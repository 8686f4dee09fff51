// Every function in one bundle: for a process that serves them all (no EAGLE_FUNCTION).
import './tick.ts';
import './executeOrder.ts';
import './audit.ts';
import './admin.ts';
import './budgetGuard.ts';
import './watchdog.ts';
import './signalWebhook.ts';
import './telegram.ts';
