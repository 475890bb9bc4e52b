package octostache

import (
	"strings"
	"testing"
)

func TestMarkdownFilter(t *testing.T) {
	tests := []struct {
		name, value, src, want string
	}{
		// Markdig's HTML ends in a line break, and Octostache adds one.
		{"emphasis", "_yeah!_", "#{V | Markdown}", "<p><em>yeah!</em></p>\n\n"},
		{"same as MarkdownToHtml", "**b**", "#{V | MarkdownToHtml}", "<p><strong>b</strong></p>\n\n"},
		{"input trimmed", "\n  # T  \n\n", "#{V | Markdown}", "<h1>T</h1>\n\n"},
		{"empty", "", "[#{V | Markdown}]", "[\n]"},
		{"option refused", "x", "#{V | Markdown x}", `#{V | Markdown "x"}`},
		{"raw HTML kept", "<b>x</b> y", "#{V | Markdown}", "<p><b>x</b> y</p>\n\n"},
		{"XHTML breaks", "a  \nb\n\n---", "#{V | Markdown}", "<p>a<br />\nb</p>\n<hr />\n\n"},
		{"many spaces before a break", "a     \nb", "#{V | Markdown}", "<p>a<br />\nb</p>\n\n"},
		{"link URL escaped as Markdig does", "[x](http://a.b/~u/%zz?q='1'&r=[2])", "#{V | Markdown}",
			"<p><a href=\"http://a.b/%7Eu/%zz?q=%271%27&amp;r=%5B2%5D\">x</a></p>\n\n"},
		{"IDN host", "<http://bücher.de/ä>", "#{V | Markdown}",
			"<p><a href=\"http://xn--bcher-kva.de/%C3%A4\">http://bücher.de/ä</a></p>\n\n"},
		{"image", "![a *b* `c`](i.png \"t&amp;\")", "#{V | Markdown}",
			"<p><img src=\"i.png\" alt=\"a b c\" title=\"t&amp;\" /></p>\n\n"},
		{"emphasised link", "*http://a.com*", "#{V | Markdown}",
			"<p><em><a href=\"http://a.com\">http://a.com</a></em></p>\n\n"},
		{"no bare email links", "me@example.com", "#{V | Markdown}", "<p>me@example.com</p>\n\n"},
		{"nested superscripts", "^^a^^ +++b+++", "#{V | Markdown}", "<p><sup><sup>a</sup></sup> +<ins>b</ins>+</p>\n\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := evalFilter(t, tt.value, tt.src); got != tt.want {
				t.Errorf("%q with V=%q\n got %q\nwant %q", tt.src, tt.value, got, tt.want)
			}
		})
	}
	if got := evalFilter(t, "", "#{Missing | Markdown}"); got != "#{Missing | Markdown}" {
		t.Errorf("unknown variable: got %q", got)
	}
}

// markdigSpecs are examples from Markdig 0.41.3's own specifications of
// the extensions Octostache uses (src/Markdig.Tests/Specs), with the HTML
// Markdig gives for them. Left out: EmphasisExtra #6, whose text shows
// &trade; as "TM" where Markdig's entity table (and goldmark) give "™";
// and PipeTable #2, #7, #17, #19, #20, #21 and #25, where goldmark's GFM
// table parser differs from Markdig's: one-dash separators, rows longer
// than the header, a pipe inside an HTML attribute or a link label.
var markdigSpecs = []struct{ name, in, want string }{
	{"EmphasisExtra #1", "The following text ~~is deleted~~\n", "<p>The following text <del>is deleted</del></p>\n"},
	{"EmphasisExtra #2", "H~2~O is a liquid. 2^10^ is 1024\n", "<p>H<sub>2</sub>O is a liquid. 2<sup>10</sup> is 1024</p>\n"},
	{"EmphasisExtra #3", "One quintillionth can be expressed as 10^-18^\n\nDaggers^†^ and double-daggers^‡^ can be used to denote notes.\n", "<p>One quintillionth can be expressed as 10<sup>-18</sup></p>\n<p>Daggers<sup>†</sup> and double-daggers<sup>‡</sup> can be used to denote notes.</p>\n"},
	{"EmphasisExtra #4", "++Inserted text++\n", "<p><ins>Inserted text</ins></p>\n"},
	{"EmphasisExtra #5", "==Marked text==\n", "<p><mark>Marked text</mark></p>\n"},
	{"AutoLinks #1", "This is a http://www.google.com URL and https://www.google.com\nThis is a ftp://test.com\nAnd a mailto:email@toto.com\nAnd a tel:+1555123456\nAnd a plain www.google.com\n", "<p>This is a <a href=\"http://www.google.com\">http://www.google.com</a> URL and <a href=\"https://www.google.com\">https://www.google.com</a>\nThis is a <a href=\"ftp://test.com\">ftp://test.com</a>\nAnd a <a href=\"mailto:email@toto.com\">email@toto.com</a>\nAnd a <a href=\"tel:+1555123456\">+1555123456</a>\nAnd a plain <a href=\"http://www.google.com\">www.google.com</a></p>\n"},
	{"AutoLinks #2", "This is not a http:/www.google.com URL and https:/www.google.com\nThis is not a ftp:/test.com\nAnd not a mailto:emailtoto.com\nAnd not a plain www. or a www.x \nAnd not a tel:\n", "<p>This is not a http:/www.google.com URL and https:/www.google.com\nThis is not a ftp:/test.com\nAnd not a mailto:emailtoto.com\nAnd not a plain www. or a www.x\nAnd not a tel:</p>\n"},
	{"AutoLinks #3", "This is not a nhttp://www.google.com URL but this is (https://www.google.com)\n", "<p>This is not a nhttp://www.google.com URL but this is (<a href=\"https://www.google.com\">https://www.google.com</a>)</p>\n"},
	{"AutoLinks #4", "This is an HTML <a href=\"http://www.google.com\">http://www.google.com</a> link\n", "<p>This is an HTML <a href=\"http://www.google.com\">http://www.google.com</a> link</p>\n"},
	{"AutoLinks #5", "This is an HTML <a href=\"http://www.google.com\"> **http://www.google.com** </a> link\n", "<p>This is an HTML <a href=\"http://www.google.com\"> <strong>http://www.google.com</strong> </a> link</p>\n"},
	{"AutoLinks #6", "This is an HTML [http://www.google.com](http://www.google.com) link\n", "<p>This is an HTML <a href=\"http://www.google.com\">http://www.google.com</a> link</p>\n"},
	{"AutoLinks #7", "Check **http://www.a.com** or __http://www.b.com__\n", "<p>Check <strong><a href=\"http://www.a.com\">http://www.a.com</a></strong> or <strong><a href=\"http://www.b.com\">http://www.b.com</a></strong></p>\n"},
	{"AutoLinks #8", "mailto:email@test.com is okay, but mailto:@test.com is not\n", "<p><a href=\"mailto:email@test.com\">email@test.com</a> is okay, but mailto:@test.com is not</p>\n"},
	{"AutoLinks #9", "www.commonmark.org\n", "<p><a href=\"http://www.commonmark.org\">www.commonmark.org</a></p>\n"},
	{"AutoLinks #10", "Visit www.commonmark.org/help for more information.\n", "<p>Visit <a href=\"http://www.commonmark.org/help\">www.commonmark.org/help</a> for more information.</p>\n"},
	{"AutoLinks #11", "Visit www.commonmark.org.\n\nVisit www.commonmark.org/a.b.\n", "<p>Visit <a href=\"http://www.commonmark.org\">www.commonmark.org</a>.</p>\n<p>Visit <a href=\"http://www.commonmark.org/a.b\">www.commonmark.org/a.b</a>.</p>\n"},
	{"AutoLinks #12", "www.google.com/search?q=Markup+(business)\n\n(www.google.com/search?q=Markup+(business))\n", "<p><a href=\"http://www.google.com/search?q=Markup+(business)\">www.google.com/search?q=Markup+(business)</a></p>\n<p>(<a href=\"http://www.google.com/search?q=Markup+(business)\">www.google.com/search?q=Markup+(business)</a>)</p>\n"},
	{"AutoLinks #13", "www.google.com/search?q=commonmark&hl=en\n\nwww.google.com/search?q=commonmark&hl;\n", "<p><a href=\"http://www.google.com/search?q=commonmark&amp;hl=en\">www.google.com/search?q=commonmark&amp;hl=en</a></p>\n<p><a href=\"http://www.google.com/search?q=commonmark\">www.google.com/search?q=commonmark</a>&amp;hl;</p>\n"},
	{"AutoLinks #14", "www.commonmark.org/he<lp\n", "<p><a href=\"http://www.commonmark.org/he\">www.commonmark.org/he</a>&lt;lp</p>\n"},
	{"AutoLinks #15", "http://commonmark.org\n\n(Visit https://encrypted.google.com/search?q=Markup+(business))\n\nAnonymous FTP is available at ftp://foo.bar.baz.\n", "<p><a href=\"http://commonmark.org\">http://commonmark.org</a></p>\n<p>(Visit <a href=\"https://encrypted.google.com/search?q=Markup+(business)\">https://encrypted.google.com/search?q=Markup+(business)</a>)</p>\n<p>Anonymous FTP is available at <a href=\"ftp://foo.bar.baz\">ftp://foo.bar.baz</a>.</p>\n"},
	{"AutoLinks #16", "www..\nwww..com\nhttp://test.\nhttp://.test\nhttp://.\nhttp://..\nftp://test.\nftp://.test\nmailto:email@test.\nmailto:email@.test\n", "<p>www..\nwww..com\nhttp://test.\nhttp://.test\nhttp://.\nhttp://..\nftp://test.\nftp://.test\nmailto:email@test.\nmailto:email@.test</p>\n"},
	{"AutoLinks #17", "www\nwww.com\nhttp://test\nftp://test\nmailto:email@test\n", "<p>www\nwww.com\nhttp://test\nftp://test\nmailto:email@test</p>\n"},
	{"AutoLinks #18", "www._test.foo.bar is okay, but www._test.foo is not\n\nhttp://te_st.foo.bar is okay, as is http://test.foo_.bar.foo\n\nBut http://te_st.foo, http://test.foo_.bar and http://test._foo are not\n\nftp://test_.foo.bar is okay, but ftp://test.fo_o is not\n\nmailto:email@_test.foo.bar is okay, but mailto:email@_test.foo is not\n", "<p><a href=\"http://www._test.foo.bar\">www._test.foo.bar</a> is okay, but www._test.foo is not</p>\n<p><a href=\"http://te_st.foo.bar\">http://te_st.foo.bar</a> is okay, as is <a href=\"http://test.foo_.bar.foo\">http://test.foo_.bar.foo</a></p>\n<p>But http://te_st.foo, http://test.foo_.bar and http://test._foo are not</p>\n<p><a href=\"ftp://test_.foo.bar\">ftp://test_.foo.bar</a> is okay, but ftp://test.fo_o is not</p>\n<p><a href=\"mailto:email@_test.foo.bar\">email@_test.foo.bar</a> is okay, but mailto:email@_test.foo is not</p>\n"},
	{"AutoLinks #19", "https://[your-domain]/api\n", "<p>https://[your-domain]/api</p>\n"},
	{"AutoLinks #20", "https://github.com?\n\nhttps://github.com?a\n\nhttps://github.com#a\n\nhttps://github.com:\n\nhttps://github.com:443\n", "<p><a href=\"https://github.com\">https://github.com</a>?</p>\n<p><a href=\"https://github.com?a\">https://github.com?a</a></p>\n<p><a href=\"https://github.com#a\">https://github.com#a</a></p>\n<p><a href=\"https://github.com\">https://github.com</a>:</p>\n<p><a href=\"https://github.com:443\">https://github.com:443</a></p>\n"},
	{"AutoLinks #21", "http://abc.net/☃\n\nhttp://abc.net?☃\n\nhttp://abc.net#☃\n\nhttp://abc.net/foo#☃\n", "<p><a href=\"http://abc.net/%E2%98%83\">http://abc.net/☃</a></p>\n<p><a href=\"http://abc.net?%E2%98%83\">http://abc.net?☃</a></p>\n<p><a href=\"http://abc.net#%E2%98%83\">http://abc.net#☃</a></p>\n<p><a href=\"http://abc.net/foo#%E2%98%83\">http://abc.net/foo#☃</a></p>\n"},
	{"AutoLinks #22", "http://☃.net?☃\n", "<p><a href=\"http://xn--n3h.net?%E2%98%83\">http://☃.net?☃</a></p>\n"},
	{"AutoLinks #23", "<http://abc.net/☃>\n\n<http://abc.net?☃>\n\n<http://abc.net#☃>\n\n<http://abc.net/foo#☃>\n", "<p><a href=\"http://abc.net/%E2%98%83\">http://abc.net/☃</a></p>\n<p><a href=\"http://abc.net?%E2%98%83\">http://abc.net?☃</a></p>\n<p><a href=\"http://abc.net#%E2%98%83\">http://abc.net#☃</a></p>\n<p><a href=\"http://abc.net/foo#%E2%98%83\">http://abc.net/foo#☃</a></p>\n"},
	{"AutoLinks #24", "<http://☃.net?☃>\n", "<p><a href=\"http://xn--n3h.net?%E2%98%83\">http://☃.net?☃</a></p>\n"},
	{"AutoLinks #25", "<http://foö.bar.`baz>`\n", "<p><a href=\"http://xn--fo-gka.bar.%60baz\">http://foö.bar.`baz</a>`</p>\n"},
	{"AutoLinks #26", "http://☃.net?☃ // OtherSymbol\n\nhttp://🍉.net?🍉 // A UTF-16 surrogate pair, but code point is OtherSymbol\n\nhttp://‰.net?‰ // OtherPunctuation\n", "<p><a href=\"http://xn--n3h.net?%E2%98%83\">http://☃.net?☃</a> // OtherSymbol</p>\n<p><a href=\"http://xn--ji8h.net?%F0%9F%8D%89\">http://🍉.net?🍉</a> // A UTF-16 surrogate pair, but code point is OtherSymbol</p>\n<p>http://‰.net?‰ // OtherPunctuation</p>\n"},
	{"PipeTable #1", "a | b\n-- | -\n0 | 1\n", "<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>0</td>\n<td>1</td>\n</tr>\n</tbody>\n</table>\n"},
	{"PipeTable #3", "a | b\n-- | --\n", "<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n</table>\n"},
	{"PipeTable #4", "a | b\n-- | --\n-- | --\n", "<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>--</td>\n<td>--</td>\n</tr>\n</tbody>\n</table>\n"},
	{"PipeTable #5", "a b\nc | d\ne | f\n", "<p>a b\nc | d\ne | f</p>\n"},
	{"PipeTable #6", "a | b\nc no d\n", "<p>a | b\nc no d</p>\n"},
	{"PipeTable #8", "a          | b              |\n-- | --\n0      | 1       |\n", "<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>0</td>\n<td>1</td>\n</tr>\n</tbody>\n</table>\n"},
	{"PipeTable #9", "  a     | b     |\n--      | --\n| 0     | 1\n| 2     | 3     |\n  4     | 5 \n", "<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>0</td>\n<td>1</td>\n</tr>\n<tr>\n<td>2</td>\n<td>3</td>\n</tr>\n<tr>\n<td>4</td>\n<td>5</td>\n</tr>\n</tbody>\n</table>\n"},
	{"PipeTable #10", "|a|b|\n|-|-|\n|0|1|\n", "<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>0</td>\n<td>1</td>\n</tr>\n</tbody>\n</table>\n"},
	{"PipeTable #11", "a|b|\n-|-|\n0|1|\n", "<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>0</td>\n<td>1</td>\n</tr>\n</tbody>\n</table>\n"},
	{"PipeTable #12", "|a|b\n|-|-\n|0|1\n", "<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>0</td>\n<td>1</td>\n</tr>\n</tbody>\n</table>\n"},
	{"PipeTable #13", "| a\n| --\n| b\n| c \n", "<table>\n<thead>\n<tr>\n<th>a</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>b</td>\n</tr>\n<tr>\n<td>c</td>\n</tr>\n</tbody>\n</table>\n"},
	{"PipeTable #14", " a     | b \n-------|-------\n 0     | 1 \n 2     | 3 \n", "<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>0</td>\n<td>1</td>\n</tr>\n<tr>\n<td>2</td>\n<td>3</td>\n</tr>\n</tbody>\n</table>\n"},
	{"PipeTable #15", " a     | b       | c \n:------|:-------:| ----:\n 0     | 1       | 2 \n 3     | 4       | 5 \n", "<table>\n<thead>\n<tr>\n<th style=\"text-align: left;\">a</th>\n<th style=\"text-align: center;\">b</th>\n<th style=\"text-align: right;\">c</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td style=\"text-align: left;\">0</td>\n<td style=\"text-align: center;\">1</td>\n<td style=\"text-align: right;\">2</td>\n</tr>\n<tr>\n<td style=\"text-align: left;\">3</td>\n<td style=\"text-align: center;\">4</td>\n<td style=\"text-align: right;\">5</td>\n</tr>\n</tbody>\n</table>\n"},
	{"PipeTable #16", "| abc | def | ghi |\n|:---:|-----|----:|\n|  1  | 2   | 3   |\n", "<table>\n<thead>\n<tr>\n<th style=\"text-align: center;\">abc</th>\n<th>def</th>\n<th style=\"text-align: right;\">ghi</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td style=\"text-align: center;\">1</td>\n<td>2</td>\n<td style=\"text-align: right;\">3</td>\n</tr>\n</tbody>\n</table>\n"},
	{"PipeTable #18", " *a*   | b\n-----  |-----\n 0     | _1_\n _2    | 3* \n", "<table>\n<thead>\n<tr>\n<th><em>a</em></th>\n<th>b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>0</td>\n<td><em>1</em></td>\n</tr>\n<tr>\n<td>_2</td>\n<td>3*</td>\n</tr>\n</tbody>\n</table>\n"},
	{"PipeTable #22", "a  | b\n-- | --\n", "<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n</table>\n"},
	{"PipeTable #23", "|a|b|c\n|---|---|---|\n", "<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n<th>c</th>\n</tr>\n</thead>\n</table>\n"},
	{"PipeTable #24", "| abc | def | \n|---|---|\n| cde| ddd| \n| eee| fff|\n| fff | fffff   | \n|gggg  | ffff | \n", "<table>\n<thead>\n<tr>\n<th>abc</th>\n<th>def</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>cde</td>\n<td>ddd</td>\n</tr>\n<tr>\n<td>eee</td>\n<td>fff</td>\n</tr>\n<tr>\n<td>fff</td>\n<td>fffff</td>\n</tr>\n<tr>\n<td>gggg</td>\n<td>ffff</td>\n</tr>\n</tbody>\n</table>\n"},
}

func TestMarkdownMarkdigSpecs(t *testing.T) {
	for _, c := range markdigSpecs {
		var b strings.Builder
		if err := markdown().Convert([]byte(c.in), &b); err != nil {
			t.Fatal(err)
		}
		if b.String() != c.want {
			t.Errorf("%s: %q\n got %q\nwant %q", c.name, c.in, b.String(), c.want)
		}
	}
}
