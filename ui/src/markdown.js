// Descriptions are Markdown written by anyone who may edit a dataset: HTML
// in them is text (markdown-it with html off), links may only be http(s) or
// mailto, and the result is sanitized again (DOMPurify) before it is shown.
import MarkdownIt from "markdown-it";
import DOMPurify from "dompurify";

const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
const safeLink = /^(https?:|mailto:)/i;
md.validateLink = (url) => safeLink.test(url.trim());

export function renderMarkdown(text) {
  const html = md.render(text || "");
  return DOMPurify.sanitize(html, {
    ALLOWED_TAGS: ["p", "em", "strong", "code", "pre", "ul", "ol", "li", "a", "blockquote",
                   "h1", "h2", "h3", "h4", "h5", "h6", "hr", "br", "table", "thead", "tbody",
                   "tr", "th", "td", "del"],
    ALLOWED_ATTR: ["href", "title"],
    ALLOWED_URI_REGEXP: safeLink,
  });
}
