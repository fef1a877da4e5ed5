// Command instruments lists TradeX instruments over native gRPC through Envoy, using the Go code
// buf generates into gen/go. Usage: go run ./examples/go/instruments -addr 127.0.0.1:8080 [-symbol BTC-USDT-PERP]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	metadatav1 "github.com/tradex-exchange/tradex/gen/go/tradex/metadata/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "Envoy's address (REST and gRPC share it)")
	symbol := flag.String("symbol", "", "print only this instrument")
	flag.Parse()

	conn, err := grpc.NewClient(*addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		fmt.Fprintln(os.Stderr, "dial:", err)
		os.Exit(2)
	}
	defer conn.Close()
	client := metadatav1.NewMetadataServiceClient(conn)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	if *symbol != "" {
		resp, err := client.GetInstrument(ctx, &metadatav1.GetInstrumentRequest{Symbol: *symbol})
		if err != nil {
			st := status.Convert(err)
			fmt.Fprintf(os.Stderr, "%s: %s\n", st.Code(), st.Message())
			os.Exit(1)
		}
		print(resp.GetInstrument())
		return
	}
	token := ""
	for {
		page, err := client.ListInstruments(ctx, &metadatav1.ListInstrumentsRequest{PageSize: 100, PageToken: token})
		if err != nil {
			fmt.Fprintln(os.Stderr, "list:", err)
			os.Exit(1)
		}
		for _, instrument := range page.GetInstruments() {
			print(instrument)
		}
		if token = page.GetNextPageToken(); token == "" {
			return
		}
	}
}

func print(i *metadatav1.Instrument) {
	fmt.Printf("%s %s tick=%s lot=%s max_leverage=%s\n", i.GetSymbol(), i.GetStatus(), i.GetTickSize(), i.GetLotSize(), i.GetMaxLeverage())
}
