// Waits until the local instance answers 200 on GET /readyz (it holds a node
// ID and every worker listens), so that the unit's ExecStartPost= makes
// `systemctl start` return only once the instance serves. Bounded: exits 1
// after READY_TIMEOUT_SECONDS (default 30). Reads PORT and HOST like the
// service (same EnvironmentFile=); plain node, so no curl is needed.
const port = process.env.PORT || '3000';
const timeoutSeconds = Number(process.env.READY_TIMEOUT_SECONDS || '30');
const host = process.env.HOST || '0.0.0.0';
// A wildcard bind is reachable on loopback; a specific address only on itself.
const address = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
const url = `http://${address}:${port}/readyz`;

if (port === '0') {
  console.error('wait-ready: PORT=0 picks a port at random; not waiting for readiness');
  process.exit(0);
}
if (!(timeoutSeconds > 0)) {
  console.error(`wait-ready: READY_TIMEOUT_SECONDS must be a positive number, got ${JSON.stringify(timeoutSeconds)}`);
  process.exit(1);
}

const deadline = Date.now() + timeoutSeconds * 1000;
let last;
for (;;) {
  try {
    const answer = await fetch(url, { signal: AbortSignal.timeout(2000) });
    const body = await answer.text();
    if (answer.status === 200) process.exit(0);
    last = `${answer.status} ${body.trim()}`;
  } catch (error) {
    last = error?.cause?.code ?? error?.message ?? String(error);
  }
  if (Date.now() >= deadline) {
    console.error(`wait-ready: ${url} not ready after ${timeoutSeconds} s (last: ${last})`);
    process.exit(1);
  }
  await new Promise((resolve) => setTimeout(resolve, 250));
}
