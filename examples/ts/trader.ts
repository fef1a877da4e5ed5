// A TradeX client over gRPC-Web through Envoy's grpc_web filter, with the messages and service
// descriptors buf generates into gen/ts (protobuf-es). gRPC-Web needs only fetch() and streamed
// response bodies, so this same code runs in browsers and in Node (no HTTP/2 trailers needed):
// it signs up and logs in, deposits through the payment rail, follows the order book stream
// (a local book checked with the sequence chain and CRC32_TOP25_V1, docs/MARKETDATA.md), places
// a limit order, sees it in the book, cancels it and sees it leave.
// Usage: node build/examples/ts/trader.js http://127.0.0.1:8080 BTC-USDT-PERP 50
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import type { DescMessage, DescMethod, MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import { BinaryReader } from "@bufbuild/protobuf/wire";
import { AuthService } from "../../gen/ts/src/tradex/auth/v1/auth_pb.js";
import { OrderType, Side, TimeInForce } from "../../gen/ts/src/tradex/common/v1/trading_pb.js";
import { MarketDataService } from "../../gen/ts/src/tradex/marketdata/v1/marketdata_pb.js";
import type { PriceLevel, StreamOrderBookResponse } from "../../gen/ts/src/tradex/marketdata/v1/marketdata_pb.js";
import { OrderService } from "../../gen/ts/src/tradex/order/v1/order_pb.js";
import { RiskService } from "../../gen/ts/src/tradex/risk/v1/risk_pb.js";
import { WalletService } from "../../gen/ts/src/tradex/wallet/v1/wallet_pb.js";

// --- gRPC-Web over fetch -----------------------------------------------------------------------

export class RpcError extends Error {
  constructor(readonly code: number, message: string, readonly reason: string) {
    super(`${code} ${reason}: ${message}`);
  }
}

type Method<I extends DescMessage, O extends DescMessage> = DescMethod & { input: I; output: O };

function frame(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(5 + bytes.length);
  new DataView(out.buffer).setUint32(1, bytes.length);
  out.set(bytes, 5);
  return out;
}

// The ErrorInfo reason inside a google.rpc.Status (grpc-status-details-bin), read field by field:
// Status{3: repeated Any{1: type_url, 2: value}}, ErrorInfo{1: reason}.
function errorReason(detailsBase64: string | undefined): string {
  if (!detailsBase64) return "";
  const bytes = Uint8Array.from(atob(detailsBase64.padEnd(Math.ceil(detailsBase64.length / 4) * 4, "=")),
    (c) => c.charCodeAt(0));
  const status = new BinaryReader(bytes);
  while (status.pos < status.len) {
    const [field, wire] = status.tag();
    if (field !== 3) { status.skip(wire); continue; }
    const any = new BinaryReader(status.bytes());
    let typeUrl = "";
    let value: Uint8Array = new Uint8Array();
    while (any.pos < any.len) {
      const [f, w] = any.tag();
      if (f === 1) typeUrl = any.string(); else if (f === 2) value = any.bytes(); else any.skip(w);
    }
    if (typeUrl.endsWith("google.rpc.ErrorInfo")) {
      const info = new BinaryReader(value);
      while (info.pos < info.len) {
        const [f, w] = info.tag();
        if (f === 1) return info.string();
        info.skip(w);
      }
    }
  }
  return "";
}

function trailers(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\r\n")) {
    const at = line.indexOf(":");
    if (at > 0) out[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
  }
  return out;
}

export class GrpcWebClient {
  token = "";

  constructor(readonly baseUrl: string, readonly timeoutMs = 10_000) {}

  private async open(method: DescMethod, body: Uint8Array, timeoutMs: number | null): Promise<Response> {
    const headers: Record<string, string> = { "content-type": "application/grpc-web+proto", "x-grpc-web": "1" };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (timeoutMs !== null) headers["grpc-timeout"] = `${timeoutMs}m`;
    const response = await fetch(`${this.baseUrl}/${method.parent.typeName}/${method.name}`, {
      method: "POST", headers, body: frame(body),
      signal: timeoutMs !== null ? AbortSignal.timeout(timeoutMs + 1000) : undefined,
    });
    const status = response.headers.get("grpc-status");  // a trailers-only answer (an error)
    if (status !== null && status !== "0") {
      throw new RpcError(Number(status), decodeURIComponent(response.headers.get("grpc-message") ?? ""),
        errorReason(response.headers.get("grpc-status-details-bin") ?? undefined));
    }
    if (!response.ok || !response.body) throw new RpcError(14, `HTTP ${response.status}`, "");
    return response;
  }

  /** The messages of a response body as they arrive; throws RpcError on a non-OK status. */
  private async *frames(response: Response): AsyncGenerator<Uint8Array> {
    const reader = response.body!.getReader();
    let buffer = new Uint8Array();
    for (;;) {
      while (buffer.length >= 5) {
        const length = new DataView(buffer.buffer, buffer.byteOffset).getUint32(1);
        if (buffer.length < 5 + length) break;
        const flag = buffer[0];
        const payload = buffer.slice(5, 5 + length);
        buffer = buffer.slice(5 + length);
        if (flag & 0x80) {
          const t = trailers(new TextDecoder().decode(payload));
          if ((t["grpc-status"] ?? "0") !== "0") {
            throw new RpcError(Number(t["grpc-status"]), decodeURIComponent(t["grpc-message"] ?? ""),
              errorReason(t["grpc-status-details-bin"]));
          }
          return;
        }
        yield payload;
      }
      const { done, value } = await reader.read();
      if (done) return;
      const joined = new Uint8Array(buffer.length + value.length);
      joined.set(buffer);
      joined.set(value, buffer.length);
      buffer = joined;
    }
  }

  async unary<I extends DescMessage, O extends DescMessage>(method: Method<I, O>, input: MessageInitShape<I>):
      Promise<MessageShape<O>> {
    const response = await this.open(method, toBinary(method.input, create(method.input, input)), this.timeoutMs);
    let out: MessageShape<O> | undefined;
    for await (const payload of this.frames(response)) out = fromBinary(method.output, payload);
    if (!out) throw new RpcError(13, "no message in the answer", "");
    return out;
  }

  async *stream<I extends DescMessage, O extends DescMessage>(method: Method<I, O>, input: MessageInitShape<I>):
      AsyncGenerator<MessageShape<O>> {
    const response = await this.open(method, toBinary(method.input, create(method.input, input)), null);
    for await (const payload of this.frames(response)) yield fromBinary(method.output, payload);
  }
}

// --- the local book ----------------------------------------------------------------------------

function compareDecimal(a: string, b: string): number {
  const [ai, af = ""] = a.split(".");
  const [bi, bf = ""] = b.split(".");
  const scale = Math.max(af.length, bf.length);
  const x = BigInt(ai + af.padEnd(scale, "0"));
  const y = BigInt(bi + bf.padEnd(scale, "0"));
  return x < y ? -1 : x > y ? 1 : 0;
}

function canonical(text: string): string {
  return text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of new TextEncoder().encode(text)) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export class LocalBook {
  seq = 0n;
  bids = new Map<string, PriceLevel>();
  asks = new Map<string, PriceLevel>();
  private haveSnapshot = false;

  sorted(side: Map<string, PriceLevel>, descending: boolean): PriceLevel[] {
    return [...side.values()].sort((a, b) => (descending ? -1 : 1) * compareDecimal(a.price, b.price));
  }

  /** CRC32_TOP25_V1: best 25 bids then best 25 asks, "B|price|qty|orders", joined by "\n". */
  checksum(): number {
    const lines = [
      ...this.sorted(this.bids, true).slice(0, 25).map((l) => `B|${l.price}|${l.quantity}|${l.orderCount}`),
      ...this.sorted(this.asks, false).slice(0, 25).map((l) => `A|${l.price}|${l.quantity}|${l.orderCount}`),
    ];
    return crc32(lines.join("\n"));
  }

  private put(side: Map<string, PriceLevel>, levels: PriceLevel[]): void {
    for (const level of levels) {
      if (compareDecimal(level.quantity, "0") === 0) side.delete(canonical(level.price));
      else side.set(canonical(level.price), level);
    }
  }

  /** Applies one stream message; throws when the book must be resynced. */
  apply(message: StreamOrderBookResponse): void {
    const update = message.update;
    if (update.case === "snapshot") {
      this.bids = new Map();
      this.asks = new Map();
      this.put(this.bids, update.value.bids);
      this.put(this.asks, update.value.asks);
      this.seq = update.value.engineSeq;
      this.haveSnapshot = true;
      this.verify(update.value.checksum);
    } else if (update.case === "delta") {
      const delta = update.value;
      if (!this.haveSnapshot) throw new Error("resync: delta before a snapshot");
      if (delta.lastEngineSeq <= this.seq) return;
      if (delta.prevLastEngineSeq !== this.seq) {
        throw new Error(`resync: delta applies to seq ${delta.prevLastEngineSeq}, book is at ${this.seq}`);
      }
      this.put(this.bids, delta.bids);
      this.put(this.asks, delta.asks);
      this.seq = delta.lastEngineSeq;
      this.verify(delta.checksum);
    }
  }

  private verify(expected: number): void {
    const mine = this.checksum();
    if (mine !== expected) throw new Error(`resync: checksum ${mine}, server says ${expected} at seq ${this.seq}`);
  }
}

// --- the session -------------------------------------------------------------------------------

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const [base = "http://127.0.0.1:8080", symbol = "BTC-USDT-PERP", price = "50"] = process.argv.slice(2);
  const tx = new GrpcWebClient(base);
  const email = `ts-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  const password = "a-Good-passw0rd!";
  await tx.unary(AuthService.method.signup, { email, password });
  const login = await tx.unary(AuthService.method.login, { email, password });
  tx.token = login.tokens!.accessToken;
  console.log(`logged in ${login.tokens!.roles.join(",")}`);

  for (;;) {  // the new wallet opens a moment after sign-up; the request id makes a repeat safe
    try {
      await tx.unary(WalletService.method.createDeposit, { asset: "USDT", amount: "1000", clientRequestId: `ts-${email}` });
      break;
    } catch (error) {
      if (!(error instanceof RpcError) || error.reason !== "WALLET_NOT_OPEN") throw error;
      await sleep(200);
    }
  }
  for (;;) {  // the rail confirms the deposit, then the pre-trade check sees it
    const risk = await tx.unary(RiskService.method.getAccountRisk, {});
    if (risk.accounts.some((a) => a.availableMargin && compareDecimal(a.availableMargin, "0") > 0)) break;
    await sleep(200);
  }
  console.log("deposited");

  const book = new LocalBook();
  const stream = tx.stream(MarketDataService.method.streamOrderBook, { symbol });
  const next = async () => {
    const { value, done } = await stream.next();
    if (done) throw new Error("the book stream ended");
    book.apply(value);
  };
  await next();
  console.log(`snapshot verified seq=${book.seq} checksum=${book.checksum()}`);

  const placed = await tx.unary(OrderService.method.placeOrder, {
    symbol, side: Side.BUY, orderType: OrderType.LIMIT, timeInForce: TimeInForce.GTC, price, quantity: "1",
    clientOrderId: `ts-${Date.now()}`,
  });
  console.log(`placed ${placed.order!.orderId}`);
  while (!book.bids.has(canonical(price))) await next();
  console.log(`delta verified seq=${book.seq} bid ${price} x ${book.bids.get(canonical(price))!.quantity}`);

  const cancelled = await tx.unary(OrderService.method.cancelOrder, { orderId: placed.order!.orderId });
  console.log(`cancelled ${cancelled.order!.orderId}`);
  while (book.bids.has(canonical(price))) await next();
  console.log(`delta verified seq=${book.seq} bid ${price} gone`);
  await stream.return(undefined);

  try {
    await tx.unary(OrderService.method.getOrder, { orderId: "01NOTANORDER0000000000000" });
  } catch (error) {
    if (!(error instanceof RpcError)) throw error;
    console.log(`refused ${error.code} ${error.reason}`);
  }
}

main().then(() => process.exit(0), (error) => {
  console.error(error);
  process.exit(1);
});
