// A real third-party charge point (ocpp-rpc, strict mode: every call and answer is schema-checked) for the gateway tests.
//   node ocpp-rpc-session.js <endpoint ws(s)://host:port/ocpp> <identity> [password|-]
// Runs BootNotification, Authorize, StartTransaction, MeterValues, StopTransaction, printing one JSON line per step:
//   {"step":"<Action>","result":{...}}  or  {"step":"<Action>","error":"<code>","message":"..."}
// then {"step":"done"}, and stays connected answering Reset with Accepted (printing {"call":"Reset","params":{...}})
// until stdin closes or a Reset arrives.
const { RPCClient } = require('ocpp-rpc');

async function main() {
  const [endpoint, identity, passwordArg] = process.argv.slice(2);
  const print = (o) => process.stdout.write(JSON.stringify(o) + '\n');
  const client = new RPCClient({
    endpoint,
    identity,
    password: passwordArg && passwordArg !== '-' ? passwordArg : null,
    protocols: ['ocpp1.6'],
    strictMode: true,
    reconnect: false,
    callTimeoutMs: 30000,
    wsOpts: endpoint.startsWith('wss:') ? { rejectUnauthorized: false } : {},
  });
  let resetSeen;
  const reset = new Promise((resolve) => { resetSeen = resolve; });
  client.handle('Reset', ({ params }) => {
    print({ call: 'Reset', params });
    setTimeout(resetSeen, 200);
    return { status: 'Accepted' };
  });
  try {
    await client.connect();
  } catch (err) {
    print({ step: 'connect', error: err.code || 'connect_failed', message: String(err.message) });
    process.exit(3);
  }
  print({ step: 'connected', protocol: client.protocol });
  const call = async (action, params) => {
    try {
      const result = await client.call(action, params);
      print({ step: action, result });
      return result;
    } catch (err) {
      print({ step: action, error: err.rpcErrorCode || err.code || 'error', message: String(err.message) });
      return null;
    }
  };
  await call('BootNotification', { chargePointVendor: 'ocpp-rpc', chargePointModel: 'interop' });
  await call('Authorize', { idTag: 'TAG-OCPPRPC' });
  const start = await call('StartTransaction', { connectorId: 1, idTag: 'TAG-OCPPRPC', meterStart: 1000, timestamp: '2026-01-05T10:00:00Z' });
  const transactionId = start ? start.transactionId : 0;
  await call('MeterValues', {
    connectorId: 1,
    transactionId,
    meterValue: [{ timestamp: '2026-01-05T10:15:00Z', sampledValue: [{ value: '1500', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }],
  });
  await call('StopTransaction', { transactionId, meterStop: 2500, timestamp: '2026-01-05T10:30:00Z', idTag: 'TAG-OCPPRPC', reason: 'Local' });
  print({ step: 'done' });
  const stdinClosed = new Promise((resolve) => { process.stdin.on('end', resolve); process.stdin.on('close', resolve); process.stdin.resume(); });
  await Promise.race([reset, stdinClosed]);
  await client.close({ code: 1000, reason: 'done' });
  process.exit(0);
}

main().catch((err) => { process.stderr.write(String(err && err.stack || err) + '\n'); process.exit(1); });
