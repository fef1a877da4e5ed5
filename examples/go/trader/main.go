// Command trader is a small TradeX client over native gRPC through Envoy, using the Go code buf
// generates into gen/go: it signs up and logs in, deposits through the payment rail, subscribes
// to the order book stream (keeping a local book verified with the sequence chain and the
// CRC32_TOP25_V1 checksum of docs/MARKETDATA.md), places a limit order, sees it in the book,
// cancels it and sees it leave.
//
// Usage: go run ./examples/go/trader -addr 127.0.0.1:8080 -symbol BTC-USDT-PERP -price 50
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"hash/crc32"
	"math/big"
	"os"
	"sort"
	"strings"
	"time"

	authv1 "github.com/tradex-exchange/tradex/gen/go/tradex/auth/v1"
	commonv1 "github.com/tradex-exchange/tradex/gen/go/tradex/common/v1"
	marketdatav1 "github.com/tradex-exchange/tradex/gen/go/tradex/marketdata/v1"
	orderv1 "github.com/tradex-exchange/tradex/gen/go/tradex/order/v1"
	riskv1 "github.com/tradex-exchange/tradex/gen/go/tradex/risk/v1"
	walletv1 "github.com/tradex-exchange/tradex/gen/go/tradex/wallet/v1"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "Envoy's address (REST and gRPC share it)")
	symbol := flag.String("symbol", "BTC-USDT-PERP", "an active instrument")
	price := flag.String("price", "50", "limit price of the test order")
	quantity := flag.String("quantity", "1", "quantity of the test order")
	flag.Parse()
	if err := run(*addr, *symbol, *price, *quantity); err != nil {
		fmt.Fprintln(os.Stderr, "error:", describe(err))
		os.Exit(1)
	}
}

func run(addr, symbol, price, quantity string) error {
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	auth := authv1.NewAuthServiceClient(conn)
	email := fmt.Sprintf("go-%d@example.com", time.Now().UnixNano())
	password := "a-Good-passw0rd!"
	if _, err := auth.Signup(ctx, &authv1.SignupRequest{Email: email, Password: password}); err != nil {
		return err
	}
	login, err := auth.Login(ctx, &authv1.LoginRequest{Email: email, Password: password})
	if err != nil {
		return err
	}
	fmt.Println("logged in", login.GetTokens().GetAccountId() != "")
	signed := metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+login.GetTokens().GetAccessToken())

	// A new wallet opens from an event a moment after sign-up: WALLET_NOT_OPEN until then; the
	// request id makes repeating the deposit safe.
	wallet := walletv1.NewWalletServiceClient(conn)
	deposit := &walletv1.CreateDepositRequest{Asset: "USDT", Amount: "1000", ClientRequestId: "go-" + email}
	for {
		_, err := wallet.CreateDeposit(signed, deposit)
		if err == nil {
			break
		}
		if reason(err) != "WALLET_NOT_OPEN" {
			return err
		}
		time.Sleep(200 * time.Millisecond)
	}
	risk := riskv1.NewRiskServiceClient(conn)
	for { // the rail confirms the deposit, then the pre-trade check sees it
		account, err := risk.GetAccountRisk(signed, &riskv1.GetAccountRiskRequest{})
		if err == nil && len(account.GetAccounts()) > 0 && decimal(account.GetAccounts()[0].GetAvailableMargin()).Sign() > 0 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	fmt.Println("deposited")

	stream, err := marketdatav1.NewMarketDataServiceClient(conn).StreamOrderBook(ctx, &marketdatav1.StreamOrderBookRequest{Symbol: symbol})
	if err != nil {
		return err
	}
	book := newBook()
	next := func() error { // one verified message
		message, err := stream.Recv()
		if err != nil {
			return err
		}
		return book.apply(message)
	}
	if err := next(); err != nil {
		return err
	}
	fmt.Printf("snapshot verified seq=%d checksum=%d\n", book.seq, book.checksum())

	orders := orderv1.NewOrderServiceClient(conn)
	placed, err := orders.PlaceOrder(signed, &orderv1.PlaceOrderRequest{
		Symbol: symbol, Side: commonv1.Side_SIDE_BUY, OrderType: commonv1.OrderType_ORDER_TYPE_LIMIT,
		TimeInForce: commonv1.TimeInForce_TIME_IN_FORCE_GTC, Price: price, Quantity: quantity,
		ClientOrderId: fmt.Sprintf("go-%d", time.Now().UnixNano()),
	})
	if err != nil {
		return err
	}
	fmt.Println("placed", placed.GetOrder().GetOrderId())
	for book.quantityAt(book.bids, price) == nil {
		if err := next(); err != nil {
			return err
		}
	}
	fmt.Printf("delta verified seq=%d bid %s x %s\n", book.seq, price, book.bids[decimal(price).RatString()].quantity)

	cancelled, err := orders.CancelOrder(signed, &orderv1.CancelOrderRequest{OrderId: placed.GetOrder().GetOrderId()})
	if err != nil {
		return err
	}
	fmt.Println("cancelled", cancelled.GetOrder().GetOrderId())
	for book.quantityAt(book.bids, price) != nil {
		if err := next(); err != nil {
			return err
		}
	}
	fmt.Printf("delta verified seq=%d bid %s gone\n", book.seq, price)

	// A refusal carries its reason in a google.rpc.ErrorInfo.
	_, err = orders.GetOrder(signed, &orderv1.GetOrderRequest{OrderId: "01NOTANORDER0000000000000"})
	fmt.Println("refused", status.Code(err), reason(err))
	return nil
}

// reason is the google.rpc.ErrorInfo reason of a TradeX error ("" if none).
func reason(err error) string {
	for _, detail := range status.Convert(err).Details() {
		if info, ok := detail.(*errdetails.ErrorInfo); ok {
			return info.GetReason()
		}
	}
	return ""
}

func describe(err error) string {
	if st, ok := status.FromError(err); ok {
		return fmt.Sprintf("%s %s: %s", st.Code(), reason(err), st.Message())
	}
	return err.Error()
}

func decimal(text string) *big.Rat {
	value, ok := new(big.Rat).SetString(text)
	if !ok {
		return new(big.Rat)
	}
	return value
}

// level is one aggregated price level, kept with the wire strings the checksum is computed on.
type level struct {
	price, quantity string
	orders          int32
}

// book is the local order book of one symbol, verified after every message.
type book struct {
	seq        int64
	haveSnap   bool
	bids, asks map[string]level
}

func newBook() *book { return &book{bids: map[string]level{}, asks: map[string]level{}} }

var errResync = errors.New("resync needed")

func (b *book) apply(message *marketdatav1.StreamOrderBookResponse) error {
	if snap := message.GetSnapshot(); snap != nil {
		b.bids, b.asks = map[string]level{}, map[string]level{}
		b.put(b.bids, snap.GetBids())
		b.put(b.asks, snap.GetAsks())
		b.seq, b.haveSnap = snap.GetEngineSeq(), true
		return b.verify(snap.GetChecksum())
	}
	delta := message.GetDelta()
	if delta == nil || !b.haveSnap {
		return fmt.Errorf("%w: delta before a snapshot", errResync)
	}
	if delta.GetLastEngineSeq() <= b.seq {
		return nil // already folded
	}
	if delta.GetPrevLastEngineSeq() != b.seq {
		return fmt.Errorf("%w: delta applies to seq %d, book is at %d", errResync, delta.GetPrevLastEngineSeq(), b.seq)
	}
	b.put(b.bids, delta.GetBids())
	b.put(b.asks, delta.GetAsks())
	b.seq = delta.GetLastEngineSeq()
	return b.verify(delta.GetChecksum())
}

func (b *book) put(side map[string]level, levels []*marketdatav1.PriceLevel) {
	for _, l := range levels {
		key := decimal(l.GetPrice()).RatString()
		if decimal(l.GetQuantity()).Sign() == 0 {
			delete(side, key)
		} else {
			side[key] = level{l.GetPrice(), l.GetQuantity(), l.GetOrderCount()}
		}
	}
}

func (b *book) verify(expected uint32) error {
	if got := b.checksum(); got != expected {
		return fmt.Errorf("%w: checksum %d, server says %d at seq %d", errResync, got, expected, b.seq)
	}
	return nil
}

func sorted(side map[string]level, descending bool) []level {
	out := make([]level, 0, len(side))
	for _, l := range side {
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool {
		c := decimal(out[i].price).Cmp(decimal(out[j].price))
		if descending {
			return c > 0
		}
		return c < 0
	})
	return out
}

// checksum is CRC32_TOP25_V1: the best 25 bids then the best 25 asks, "B|price|qty|orders".
func (b *book) checksum() uint32 {
	var lines []string
	for _, side := range []struct {
		tag    string
		levels []level
	}{{"B", sorted(b.bids, true)}, {"A", sorted(b.asks, false)}} {
		for i, l := range side.levels {
			if i == 25 {
				break
			}
			lines = append(lines, fmt.Sprintf("%s|%s|%s|%d", side.tag, l.price, l.quantity, l.orders))
		}
	}
	return crc32.ChecksumIEEE([]byte(strings.Join(lines, "\n")))
}

func (b *book) quantityAt(side map[string]level, price string) *big.Rat {
	if l, ok := side[decimal(price).RatString()]; ok {
		return decimal(l.quantity)
	}
	return nil
}
