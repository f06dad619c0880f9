package media

import (
	"fmt"

	"github.com/skoip/skoip/media/wav"
)

// PromptSet loads the prompts of one configuration within a memory budget
// (wav.PromptBudget): each prompt at most wav.MaxPromptDuration (60 s),
// the distinct files together at most wav.MaxPromptsDuration (180 s, that
// is 2.9 MB at 8 kHz). A file named twice, by the same path or another
// (a link), is decoded once and its Prompt shared. A PromptSet is not safe
// for concurrent use.
type PromptSet struct {
	rate    int
	budget  *wav.Budget
	prompts []*Prompt // by the budget's file index
}

// NewPromptSet returns an empty set whose prompts are converted to rate Hz.
func NewPromptSet(rate int) *PromptSet {
	return &PromptSet{rate: rate, budget: wav.PromptBudget()}
}

// Load returns the prompt of the WAV file at path, decoding it unless the
// set holds it already. Errors name the file and say what is wrong.
func (s *PromptSet) Load(path string) (*Prompt, error) {
	f, i, err := s.budget.Open(path)
	if err != nil {
		return nil, fmt.Errorf("media.LoadPrompt: %w", err)
	}
	if f == nil {
		return s.prompts[i], nil
	}
	defer f.Close()
	samples, err := f.ReadAll(s.rate)
	if err != nil {
		return nil, fmt.Errorf("media.LoadPrompt: %w", err)
	}
	p := &Prompt{name: path, rate: s.rate, samples: samples}
	s.prompts = append(s.prompts, p)
	return p, nil
}
