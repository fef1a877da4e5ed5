// Lists instruments through Envoy's REST edge and parses the JSON with the generated schema, so a
// field renamed in protos/ breaks this at compile or parse time. Usage: node build/examples/ts/instruments.js http://127.0.0.1:8080
import { fromJson } from "@bufbuild/protobuf";
import { ListInstrumentsResponseSchema, InstrumentStatus } from "../../gen/ts/src/tradex/metadata/v1/metadata_pb.js";

async function main(): Promise<void> {
  const base = process.argv[2] ?? "http://127.0.0.1:8080";
  const response = await fetch(`${base}/v1/instruments?page_size=100`);
  if (!response.ok) {
    console.error(`HTTP ${response.status}: ${await response.text()}`);
    process.exit(1);
  }
  const page = fromJson(ListInstrumentsResponseSchema, await response.json());
  for (const instrument of page.instruments) {
    console.log(`${instrument.symbol} ${InstrumentStatus[instrument.status]} tick=${instrument.tickSize} lot=${instrument.lotSize}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
