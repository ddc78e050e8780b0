/** Free TCP port on 127.0.0.1 — one implementation, shared with the local stack. */
export { freePort } from '../../local/redis-server';
