import * as ff from '@google-cloud/functions-framework';
import { makeAuditHandler } from '../handlers/audit.ts';
import { installJsonFrameworkErrors } from '../handlers/frameworkErrors.ts';
import { instanceRuntime } from '../wiring/trading.ts';
import { shadowDeps } from '../wiring/shadow.ts';

installJsonFrameworkErrors();
ff.http(
  'audit',
  makeAuditHandler(instanceRuntime().executeDeps, () => shadowDeps(instanceRuntime())),
);
