// An AI agent's MCP client, as the official TypeScript SDK makes it, for
// tests/mcp_test.cc:
//
//   node tests/mcp/client.mjs URL TOKEN < calls.json
//
// `calls.json`: [{"tool": NAME, "arguments": {...}}, ...]; TOKEN "-" sends
// none. Connects (initialize, then initialized), lists the tools, makes
// each call in order and prints one JSON object: the negotiated protocol
// version, the server's name, the tools' names and each call's result. A
// failure prints {"error": message} and exits 1.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { readFileSync } from 'node:fs';

const [url, token] = process.argv.slice(2);
const calls = JSON.parse(readFileSync(0, 'utf8') || '[]');
const headers = token && token !== '-' ? { Authorization: `Bearer ${token}` } : {};
const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
const client = new Client({ name: 'catalogd-test-agent', version: '1.0.0' });
try {
  await client.connect(transport);
  const tools = await client.listTools();
  const results = [];
  for (const call of calls) {
    results.push(await client.callTool({ name: call.tool, arguments: call.arguments }));
  }
  console.log(JSON.stringify({
    protocolVersion: transport.protocolVersion,
    server: client.getServerVersion(),
    tools: tools.tools.map((t) => t.name),
    results,
  }));
  await client.close();
} catch (e) {
  console.log(JSON.stringify({ error: String(e && e.message ? e.message : e) }));
  process.exit(1);
}
