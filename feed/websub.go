package feed

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// PingTimeout bounds a WebSub ping: the feed is already published, and a
// slow hub must not hold up the command.
const PingTimeout = 10 * time.Second

// PingHub tells the WebSub hub that the feed at feedURL changed
// (hub.mode=publish), so that it pushes the feed to subscribed apps at
// once rather than when they next poll. A nil client is
// http.DefaultClient. Hubs answer 2xx (204 mostly); anything else is an
// error naming the status and the start of the body.
func PingHub(ctx context.Context, client *http.Client, hub, feedURL string) error {
	if client == nil {
		client = http.DefaultClient
	}
	ctx, cancel := context.WithTimeout(ctx, PingTimeout)
	defer cancel()
	form := url.Values{"hub.mode": {"publish"}, "hub.url": {feedURL}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hub, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("websub: ping %s: %w", hub, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("websub: ping %s: %w", hub, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
	if resp.StatusCode/100 != 2 {
		msg := strings.TrimSpace(string(body))
		if msg != "" {
			msg = ": " + msg
		}
		return fmt.Errorf("websub: ping %s: %s%s", hub, resp.Status, msg)
	}
	return nil
}
