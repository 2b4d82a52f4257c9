// Independent MQTT 5 peer for interop tests, using MQTT.js.
//   node mqttjs-peer.js publish   <url> <clientId> <topic> <count>   publishes "<i>" payloads at QoS 1, then exits
//   node mqttjs-peer.js subscribe <url> <clientId> <topic> <count>   prints "ready", then one line per message, exits after <count>
// The broker account comes from CHARGELEDGER_MQTT_USERNAME / CHARGELEDGER_MQTT_PASSWORD when set.
const mqtt = require('mqtt');

async function main() {
  const [mode, url, clientId, topic, countText] = process.argv.slice(2);
  const count = Number(countText);
  const client = await mqtt.connectAsync(url, {
    clientId, protocolVersion: 5, clean: true, reconnectPeriod: 0,
    username: process.env.CHARGELEDGER_MQTT_USERNAME || undefined,
    password: process.env.CHARGELEDGER_MQTT_PASSWORD || undefined,
  });
  if (mode === 'publish') {
    for (let i = 0; i < count; i++) {
      await client.publishAsync(topic, `${i}`, { qos: 1 });
    }
    await client.endAsync();
    return;
  }
  if (mode === 'subscribe') {
    let received = 0;
    const done = new Promise((resolve) => {
      client.on('message', (t, payload) => {
        process.stdout.write(`${t} ${payload.toString('utf8')}\n`);
        if (++received >= count) resolve();
      });
    });
    await client.subscribeAsync(topic, { qos: 1 });
    process.stdout.write('ready\n');
    await done;
    await client.endAsync();
    return;
  }
  throw new Error(`unknown mode ${mode}`);
}

main().catch((err) => { process.stderr.write(`${err.stack || err}\n`); process.exit(1); });
