package align

import "context"

func (a *Aligner) tts(ctx context.Context, an *analysis, ps *pieces, spans []span, lang string) ([]span, error) {
	return spans, nil
}
