// A real third-party charge point (ocpp-rpc, strict mode) for the whole-system tests: one complete session, then exit.
//   node ocpp-rpc-charge-point.js <endpoint ws://host:port/ocpp> <identity> <password|-> <idTag> <meterStart> <meterMid> <meterStop> <startIso>
// Device times: start at <startIso>, MeterValues 15 minutes later, stop 30 minutes later.
// Prints one JSON line per step ({"step":"<Action>","result":{...}} or {"step":"<Action>","error":...}), then {"step":"done"}.
// Exit code 0 only when every call was answered with a result.
const { RPCClient } = require('ocpp-rpc');

async function main() {
  const [endpoint, identity, password, idTag, meterStart, meterMid, meterStop, startIso] = process.argv.slice(2);
  const print = (o) => process.stdout.write(JSON.stringify(o) + '\n');
  const at = (minutes) => new Date(Date.parse(startIso) + minutes * 60000).toISOString();
  const client = new RPCClient({
    endpoint,
    identity,
    password: password && password !== '-' ? password : null,
    protocols: ['ocpp1.6'],
    strictMode: true,
    reconnect: false,
    callTimeoutMs: 30000,
  });
  await client.connect();
  print({ step: 'connected', protocol: client.protocol });
  let failed = false;
  const call = async (action, params) => {
    try {
      const result = await client.call(action, params);
      print({ step: action, result });
      return result;
    } catch (err) {
      failed = true;
      print({ step: action, error: err.rpcErrorCode || err.code || 'error', message: String(err.message) });
      return null;
    }
  };
  await call('BootNotification', { chargePointVendor: 'ocpp-rpc', chargePointModel: 'system-test' });
  await call('Authorize', { idTag });
  const start = await call('StartTransaction', { connectorId: 1, idTag, meterStart: Number(meterStart), timestamp: at(0) });
  const transactionId = start ? start.transactionId : 0;
  await call('MeterValues', {
    connectorId: 1,
    transactionId,
    meterValue: [{ timestamp: at(15), sampledValue: [{ value: meterMid, measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }],
  });
  await call('StopTransaction', { transactionId, meterStop: Number(meterStop), timestamp: at(30), idTag, reason: 'Local' });
  print({ step: 'done' });
  await client.close({ code: 1000, reason: 'done' });
  process.exit(failed ? 1 : 0);
}

main().catch((err) => { process.stderr.write(String(err && err.stack || err) + '\n'); process.exit(2); });
