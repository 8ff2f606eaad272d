package align

import (
	"reflect"
	"testing"
)

func TestSyllables(t *testing.T) {
	tests := []struct {
		in   string
		want float64
	}{
		{"大家好", 3},
		{"我們用 Go 語言", 6},
		{"Kubernetes", 4}, // u-e-e-e: vowel groups, close enough
		{"hello world", 3},
		{"2024 年", 5},
		{"，。！", 0},
		{"don't stop", 2},
	}
	for _, tt := range tests {
		if got := syllables(tt.in); got != tt.want {
			t.Errorf("syllables(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestSplitSentences(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"大家好，歡迎收聽。今天我們聊雲端運算！你準備好了嗎？", []string{"大家好，歡迎收聽。", "今天我們聊雲端運算！", "你準備好了嗎？"}},
		{"版本 3.5 很好用。真的。我們都在用它來寫程式。", []string{"版本 3.5 很好用。真的。", "我們都在用它來寫程式。"}},
		{"He said 「好的。」然後就走了，沒有再回來。", []string{"He said 「好的。」", "然後就走了，沒有再回來。"}},
		{"It works well for us. We shipped it on Monday! Great?", []string{"It works well for us.", "We shipped it on Monday! Great?"}},
		{"It works. Fine.", []string{"It works. Fine."}},
		{"沒有句號的一句話", []string{"沒有句號的一句話"}},
		// Short sentences are merged; Korean keeps the space between them.
		{"네. 좋아요. 오늘은 날씨가 좋네요 정말로.", []string{"네. 좋아요.", "오늘은 날씨가 좋네요 정말로."}},
	}
	for _, tt := range tests {
		var got []string
		for _, s := range splitSentences(tt.in) {
			got = append(got, s.text)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("splitSentences(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
