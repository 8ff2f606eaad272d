package rules

import (
	"fmt"
	"sort"
	"strings"
)

// Category is one of Apple Podcasts' categories with its subcategories.
type Category struct {
	Name string
	Subs []string
}

// Categories is Apple Podcasts' category list, the only values Apple accepts
// in itunes:category. A show names one as "Parent" or "Parent/Child".
var Categories = []Category{
	{"Arts", []string{"Books", "Design", "Fashion & Beauty", "Food", "Performing Arts", "Visual Arts"}},
	{"Business", []string{"Careers", "Entrepreneurship", "Investing", "Management", "Marketing", "Non-Profit"}},
	{"Comedy", []string{"Comedy Interviews", "Improv", "Stand-Up"}},
	{"Education", []string{"Courses", "How To", "Language Learning", "Self-Improvement"}},
	{"Fiction", []string{"Comedy Fiction", "Drama", "Science Fiction"}},
	{"Government", nil},
	{"History", nil},
	{"Health & Fitness", []string{"Alternative Health", "Fitness", "Medicine", "Mental Health", "Nutrition", "Sexuality"}},
	{"Kids & Family", []string{"Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"}},
	{"Leisure", []string{"Animation & Manga", "Automotive", "Aviation", "Crafts", "Games", "Hobbies", "Home & Garden", "Video Games"}},
	{"Music", []string{"Music Commentary", "Music History", "Music Interviews"}},
	{"News", []string{"Business News", "Daily News", "Entertainment News", "News Commentary", "Politics", "Sports News", "Tech News"}},
	{"Religion & Spirituality", []string{"Buddhism", "Christianity", "Hinduism", "Islam", "Judaism", "Religion", "Spirituality"}},
	{"Science", []string{"Astronomy", "Chemistry", "Earth Sciences", "Life Sciences", "Mathematics", "Natural Sciences", "Nature", "Physics", "Social Sciences"}},
	{"Society & Culture", []string{"Documentary", "Personal Journals", "Philosophy", "Places & Travel", "Relationships"}},
	{"Sports", []string{"Baseball", "Basketball", "Cricket", "Fantasy Sports", "Football", "Golf", "Hockey", "Rugby", "Running", "Soccer", "Swimming", "Tennis", "Volleyball", "Wilderness", "Wrestling"}},
	{"Technology", nil},
	{"True Crime", nil},
	{"TV & Film", []string{"After Shows", "Film History", "Film Interviews", "Film Reviews", "TV Reviews"}},
}

// SplitCategory splits "Parent/Child" into its two levels; child is empty
// for a top-level category. Spaces around the slash are dropped.
func SplitCategory(s string) (parent, child string) {
	parent, child, _ = strings.Cut(s, "/")
	return strings.TrimSpace(parent), strings.TrimSpace(child)
}

// CheckCategory reports whether s ("Parent" or "Parent/Child") is on Apple's
// list, spelled exactly as Apple spells it (Apple rejects other spellings).
// The error for an unknown category names the closest valid ones.
func CheckCategory(s string) error {
	parent, child := SplitCategory(s)
	if IsCategory(parent, child) {
		return nil
	}
	return fmt.Errorf("unknown category %q: not on Apple's list; closest: %s",
		s, strings.Join(closestCategories(s, 3), ", "))
}

// IsCategory reports whether parent (and child, when not empty) are an
// Apple category and one of its subcategories.
func IsCategory(parent, child string) bool {
	for _, c := range Categories {
		if c.Name != parent {
			continue
		}
		if child == "" {
			return true
		}
		for _, sub := range c.Subs {
			if sub == child {
				return true
			}
		}
		return false
	}
	return false
}

// closestCategories returns the n valid "Parent" or "Parent/Child" names
// nearest to s. A subcategory given alone ("Physics"), a wrong parent or a
// retired subcategory under a valid parent should still lead to the right
// place, so each candidate is scored by the best of several comparisons.
func closestCategories(s string, n int) []string {
	type scored struct {
		name string
		d    int
	}
	in := strings.ToLower(strings.TrimSpace(s))
	inParent, inChild := SplitCategory(in)
	var all []scored
	add := func(name, parent, last string) {
		parent, last = strings.ToLower(parent), strings.ToLower(last)
		d := min(similarity(in, strings.ToLower(name)), similarity(in, last))
		if inChild != "" {
			d = min(d, similarity(inChild, last))
			if inParent == parent {
				// The parent is right: it and its own
				// subcategories come before others.
				if parent == last {
					d = min(d, 1)
				} else {
					d = max(1, d-1)
				}
			}
		}
		all = append(all, scored{name, d})
	}
	for _, c := range Categories {
		add(c.Name, c.Name, c.Name)
		for _, sub := range c.Subs {
			add(c.Name+"/"+sub, c.Name, sub)
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].d < all[j].d })
	var out []string
	for _, c := range all[:n] {
		out = append(out, fmt.Sprintf("%q", c.name))
	}
	return out
}

// similarity scores how far a typed name is from a candidate: 0 for the
// same name in another case, 1 when one is a prefix of the other ("tech"),
// else the edit distance plus 2.
func similarity(typed, cand string) int {
	switch {
	case typed == cand:
		return 0
	case strings.HasPrefix(cand, typed) || strings.HasPrefix(typed, cand):
		return 1
	}
	return editDistance(typed, cand) + 2
}

// editDistance is the Levenshtein distance between a and b in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
