import * as ff from '@google-cloud/functions-framework';
import { installJsonFrameworkErrors } from '../handlers/frameworkErrors.ts';
import { makeWatchdogHandler } from '../handlers/watchdog.ts';
import { instanceRuntime } from '../wiring/trading.ts';

installJsonFrameworkErrors();
ff.http('watchdog', makeWatchdogHandler(instanceRuntime().executeDeps));
