import * as ff from '@google-cloud/functions-framework';
import { makeSignalWebhookHandler } from '../handlers/signalWebhook.ts';
import { installJsonFrameworkErrors } from '../handlers/frameworkErrors.ts';
import { instanceInboundDeps } from '../wiring/inbound.ts';

installJsonFrameworkErrors();
ff.http('signalWebhook', makeSignalWebhookHandler(instanceInboundDeps));
