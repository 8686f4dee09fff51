// Preloaded (`node --import`) into the function servers of `npm start`: functions-framework 5 has no
// --host option and calls `server.listen(port, callback)`, which binds every interface. A listen
// without a host is given BIND_HOST (default 127.0.0.1), so the local functions, like the
// emulators and the dashboard, are reachable from this machine only.
import { Server } from 'node:net';

const host = process.env.BIND_HOST || '127.0.0.1';
const listen = Server.prototype.listen;
Server.prototype.listen = function (...args) {
  const [port, next] = args;
  const portOnly =
    (typeof port === 'number' || (typeof port === 'string' && /^\d+$/.test(port))) && (next === undefined || typeof next === 'function');
  return portOnly ? listen.call(this, Number(port), host, ...args.slice(1)) : listen.apply(this, args);
};
