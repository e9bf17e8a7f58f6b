// A real SMTP server for tests (mail_http_test.cc): listens on 127.0.0.1,
// accepts AUTH PLAIN/LOGIN for one user and password, and writes each message
// it accepts to DIR/<n>.eml (a temporary name, then rename, so a reader never
// sees half a message). Prints {"port": N} once it listens; SIGTERM stops it.
//
//   node tests/mail/smtp-sink.mjs --port 0 --dir /tmp/sink --user app --password secret
//
// STARTTLS is switched off: curl's CURLUSESSL_TRY then speaks plain SMTP, as
// against a relay on the same host.
import { SMTPServer } from 'smtp-server';
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []),
);
const dir = args.dir;
if (!dir) {
  console.error('usage: smtp-sink.mjs --dir DIR [--port N] [--user U] [--password P]');
  process.exit(2);
}
mkdirSync(dir, { recursive: true });
const user = args.user ?? 'app';
const password = args.password ?? 'secret';

const server = new SMTPServer({
  disabledCommands: ['STARTTLS'],
  allowInsecureAuth: true,
  authMethods: ['PLAIN', 'LOGIN'],
  logger: false,
  onAuth(auth, _session, callback) {
    if (auth.username === user && auth.password === password) return callback(null, { user });
    return callback(new Error('Invalid username or password'));
  },
  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', (c) => chunks.push(c));
    stream.on('end', () => {
      const name = `${Date.now()}-${randomBytes(6).toString('hex')}`;
      const tmp = join(dir, `.${name}.tmp`);
      const envelope = `X-Sink-Rcpt: ${session.envelope.rcptTo.map((r) => r.address).join(',')}\r\n`;
      writeFileSync(tmp, Buffer.concat([Buffer.from(envelope), ...chunks]));
      renameSync(tmp, join(dir, `${name}.eml`));
      callback();
    });
  },
});
server.on('error', (err) => {
  console.error(`smtp-sink: ${err.message}`);
  process.exit(1);
});
server.listen(Number(args.port ?? 0), '127.0.0.1', () => {
  console.log(JSON.stringify({ port: server.server.address().port }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
