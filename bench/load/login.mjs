// Logs in through the real forms (password, then TOTP when asked) and prints
// the Cookie header value, for wrk runs against logged-in pages.
//   node bench/load/login.mjs URL LOGIN
import { login } from '../../tests/resilience/lib.mjs';

const [url, user] = process.argv.slice(2);
try {
  console.log(await login(url, user));
} catch (e) {
  console.error(e.message);
  process.exit(1);
}
