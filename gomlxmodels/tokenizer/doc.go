// Package tokenizer is r1lab's closed-vocabulary word tokenizer: every text
// the task generators can produce (K&K and ARITH prompts, chain-of-thought
// responses, teacher traces, answers, the chat template) encodes exactly,
// and anything else is an error that names the offending word and its byte
// offset — there is no <unk>.
//
// It is built for short sequences on a small CPU model, so tokens are
// whole words rather than byte pairs:
//
//   - a word is a run of ASCII letters; it carries the single space before
//     it (like GPT's "Ġ"). A word with no space before it ("\boxed{Zoey",
//     a line's first word) is the Join marker then the spaced token, so
//     " Zoey" is Zoey's only token (tokenizers saved before Join existed
//     have bare tokens such as "Zoey" instead, and still load);
//   - numbers are spelled digit by digit: "37" after a space is " 3", "7";
//   - every other character (punctuation, operators) is a token of its own,
//     again with a space-prefixed variant: " (", " \"", " =";
//   - `\boxed{` is one token, "\n" is one token;
//   - special tokens are written <...> and take one id each wherever their
//     text appears: <pad>, <|endoftext|>, <|im_start|>, <|im_end|>; Join
//     (<|join|>) is the exception, a marker that no text spells.
//
// Encoding scans the text left to right: a special token if one starts
// here, else one piece (an optional space, then a letter run, a digit,
// `\boxed{` or one character), looked up in a map. Decoding concatenates the
// tokens' texts, so Decode(Encode(text)) == text for every text Encode
// accepts. A letter run that is no word but words glued together
// ("ThatEmma", which a model writes by putting Join before a word) encodes
// as those words joined; one that is not is an error. ForTasks builds the vocabulary from the task packages' word lists
// (kk.Words, arith.Words) and the prompt package's templates.
package tokenizer
