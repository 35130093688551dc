#!/usr/bin/env python3
"""Writes a WordPress-shaped export (WXR 1.2) of about the size asked, for import benchmarks.

The file looks like what WordPress's Tools > Export writes for a documentary series site:
authors, nested categories (episodes/film-N), tags, posts of twelve paragraphs in the
classic editor's style (blank lines between paragraphs, a [caption] now and then) or the
block editor's, threaded comments (approved and pending), a few pages with parents and image
attachments. The output is deterministic for a given size and seed.

Usage:
  bench/wxr_generate.py --size-mb 100 --output /tmp/big.wxr
  bench/wxr_generate.py --size-mb 5 --gzip --output /tmp/small.wxr.gz
"""
import argparse
import gzip
import random
import sys

WORDS = ("salt road caravan desert water well village river harvest school clinic market "
         "border journey family elder teacher film director camera season rain drought "
         "trade route story voice memory archive broadcast interview map lesson community "
         "mountain valley coast island city farm workers children mothers fathers").split()

SITE = "http://series.example.org"


def cdata(text):
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def sentence(rng, words=14):
    w = [rng.choice(WORDS) for _ in range(words)]
    return " ".join(w).capitalize() + "."


def paragraph(rng):
    return " ".join(sentence(rng, rng.randint(10, 18)) for _ in range(rng.randint(3, 5)))


def classic_body(rng, post_id):
    parts = []
    for i in range(12):
        text = paragraph(rng)
        if i == 3:
            text = "<strong>" + text[:40] + "</strong>\n" + text[40:]
        parts.append(text)
    if post_id % 7 == 0:
        parts.insert(5, '[caption id="attachment_1" align="alignright" width="300"]'
                        '<img src="%s/files/2010/03/still-%d.jpg" alt="Still" width="300" '
                        'height="200" /> A still from the film[/caption]' % (SITE, post_id))
    return "\n\n".join(parts)


def block_body(rng):
    parts = []
    for _ in range(12):
        parts.append("<!-- wp:paragraph -->\n<p>" + paragraph(rng) + "</p>\n<!-- /wp:paragraph -->")
    return "\n\n".join(parts)


def date(n):
    day = n % 28 + 1
    month = (n // 28) % 12 + 1
    year = 2003 + (n // 336) % 20
    return "%04d-%02d-%02d %02d:%02d:00" % (year, month, day, n % 24, n % 60)


def item(rng, out, post_id, kind, films):
    film = rng.randrange(films)
    slug = "companion-page-%d" % post_id
    title = "Companion page %d: %s" % (post_id, sentence(rng, 4)[:-1])
    status = "publish"
    if post_id % 97 == 0:
        status = "draft"
    elif post_id % 89 == 0:
        status = "private"
    d = date(post_id)
    link = "%s/episodes/film-%d/%s/%d/" % (SITE, film, slug, post_id)
    body = block_body(rng) if post_id % 3 == 0 else classic_body(rng, post_id)
    out.write("\t<item>\n")
    out.write("\t\t<title>%s</title>\n" % cdata(title))
    out.write("\t\t<link>%s</link>\n" % link)
    out.write("\t\t<pubDate>Mon, 01 Mar 2010 12:00:00 +0000</pubDate>\n")
    out.write("\t\t<dc:creator>%s</dc:creator>\n" % cdata("author%d" % (post_id % 5)))
    out.write('\t\t<guid isPermaLink="false">%s/?p=%d</guid>\n' % (SITE, post_id))
    out.write("\t\t<description></description>\n")
    out.write("\t\t<content:encoded>%s</content:encoded>\n" % cdata(body))
    out.write("\t\t<excerpt:encoded>%s</excerpt:encoded>\n" % cdata(""))
    out.write("\t\t<wp:post_id>%d</wp:post_id>\n" % post_id)
    for field in ("post_date", "post_date_gmt", "post_modified", "post_modified_gmt"):
        out.write("\t\t<wp:%s>%s</wp:%s>\n" % (field, cdata(d), field))
    out.write("\t\t<wp:comment_status>%s</wp:comment_status>\n" % cdata("open"))
    out.write("\t\t<wp:ping_status>%s</wp:ping_status>\n" % cdata("open"))
    out.write("\t\t<wp:post_name>%s</wp:post_name>\n" % cdata(slug))
    out.write("\t\t<wp:status>%s</wp:status>\n" % cdata(status))
    out.write("\t\t<wp:post_parent>0</wp:post_parent>\n")
    out.write("\t\t<wp:menu_order>0</wp:menu_order>\n")
    out.write("\t\t<wp:post_type>%s</wp:post_type>\n" % cdata(kind))
    out.write("\t\t<wp:post_password>%s</wp:post_password>\n" % cdata(""))
    out.write("\t\t<wp:is_sticky>0</wp:is_sticky>\n")
    out.write('\t\t<category domain="category" nicename="film-%d">%s</category>\n'
              % (film, cdata("Film %d" % film)))
    for t in sorted(set(rng.randrange(30) for _ in range(2))):
        out.write('\t\t<category domain="post_tag" nicename="tag-%d">%s</category>\n'
                  % (t, cdata("Tag %d" % t)))
    out.write("\t\t<wp:postmeta>\n\t\t<wp:meta_key>%s</wp:meta_key>\n\t\t<wp:meta_value>%s"
              "</wp:meta_value>\n\t\t</wp:postmeta>\n" % (cdata("_edit_last"), cdata("1")))
    first_comment = post_id * 10
    for c in range(rng.randint(2, 5)):
        cid = first_comment + c
        parent = first_comment if c > 0 and c % 2 == 0 else 0
        approved = "0" if c == 4 else "1"
        out.write("\t\t<wp:comment>\n")
        out.write("\t\t\t<wp:comment_id>%d</wp:comment_id>\n" % cid)
        out.write("\t\t\t<wp:comment_author>%s</wp:comment_author>\n" % cdata("Viewer %d" % c))
        out.write("\t\t\t<wp:comment_author_email>%s</wp:comment_author_email>\n"
                  % cdata("viewer%d@example.org" % c))
        out.write("\t\t\t<wp:comment_author_url></wp:comment_author_url>\n")
        out.write("\t\t\t<wp:comment_author_IP>%s</wp:comment_author_IP>\n"
                  % cdata("192.0.2.%d" % (c + 1)))
        out.write("\t\t\t<wp:comment_date>%s</wp:comment_date>\n" % cdata(d))
        out.write("\t\t\t<wp:comment_date_gmt>%s</wp:comment_date_gmt>\n" % cdata(d))
        out.write("\t\t\t<wp:comment_content>%s</wp:comment_content>\n"
                  % cdata(sentence(rng, 20) + "\n" + sentence(rng, 12)))
        out.write("\t\t\t<wp:comment_approved>%s</wp:comment_approved>\n" % cdata(approved))
        out.write("\t\t\t<wp:comment_type>%s</wp:comment_type>\n" % cdata("comment"))
        out.write("\t\t\t<wp:comment_parent>%d</wp:comment_parent>\n" % parent)
        out.write("\t\t\t<wp:comment_user_id>0</wp:comment_user_id>\n")
        out.write("\t\t</wp:comment>\n")
    out.write("\t</item>\n")


def attachment(out, post_id, parent):
    out.write("\t<item>\n\t\t<title>%s</title>\n" % cdata("still-%d" % parent))
    out.write("\t\t<link>%s/?attachment_id=%d</link>\n" % (SITE, post_id))
    out.write("\t\t<dc:creator>%s</dc:creator>\n" % cdata("author0"))
    out.write('\t\t<guid isPermaLink="false">%s/files/2010/03/still-%d.jpg</guid>\n'
              % (SITE, parent))
    out.write("\t\t<content:encoded>%s</content:encoded>\n" % cdata(""))
    out.write("\t\t<excerpt:encoded>%s</excerpt:encoded>\n" % cdata("A still"))
    out.write("\t\t<wp:post_id>%d</wp:post_id>\n" % post_id)
    out.write("\t\t<wp:post_date_gmt>%s</wp:post_date_gmt>\n" % cdata("2010-03-01 12:00:00"))
    out.write("\t\t<wp:post_name>%s</wp:post_name>\n" % cdata("still-%d" % parent))
    out.write("\t\t<wp:status>%s</wp:status>\n" % cdata("inherit"))
    out.write("\t\t<wp:post_parent>%d</wp:post_parent>\n" % parent)
    out.write("\t\t<wp:post_type>%s</wp:post_type>\n" % cdata("attachment"))
    out.write("\t\t<wp:attachment_url>%s</wp:attachment_url>\n"
              % cdata("%s/wp-content/uploads/2010/03/still-%d.jpg" % (SITE, parent)))
    out.write("\t\t<wp:postmeta>\n\t\t<wp:meta_key>%s</wp:meta_key>\n\t\t<wp:meta_value>%s"
              "</wp:meta_value>\n\t\t</wp:postmeta>\n"
              % (cdata("_wp_attached_file"), cdata("2010/03/still-%d.jpg" % parent)))
    out.write("\t</item>\n")


class Counter:
    """Counts the characters written (ASCII only here, so characters are bytes)."""

    def __init__(self, out):
        self.out = out
        self.size = 0

    def write(self, text):
        self.size += len(text)
        self.out.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=100.0, help="approximate size (MiB)")
    parser.add_argument("--output", default="-", help="file to write (default: stdout)")
    parser.add_argument("--gzip", action="store_true", help="gzip the output")
    parser.add_argument("--seed", type=int, default=2010)
    parser.add_argument("--films", type=int, default=50)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    target = int(args.size_mb * 1024 * 1024)
    if args.output == "-":
        raw = sys.stdout.buffer
    else:
        raw = open(args.output, "wb")
    stream = gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6) if args.gzip else raw

    class Text:
        def write(self, text):
            stream.write(text.encode("ascii"))

    out = Counter(Text())
    out.write('<?xml version="1.0" encoding="UTF-8" ?>\n')
    out.write('<rss version="2.0"\n\txmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"\n'
              '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
              '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
              '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
              '\txmlns:wp="http://wordpress.org/export/1.2/"\n>\n<channel>\n')
    out.write("\t<title>Generated Series</title>\n\t<link>%s</link>\n" % SITE)
    out.write("\t<description>A benchmark export</description>\n\t<language>en-US</language>\n")
    out.write("\t<wp:wxr_version>1.2</wp:wxr_version>\n")
    out.write("\t<wp:base_site_url>%s</wp:base_site_url>\n\t<wp:base_blog_url>%s</wp:base_blog_url>\n"
              % (SITE, SITE))
    for a in range(5):
        out.write("\t<wp:author><wp:author_id>%d</wp:author_id><wp:author_login>%s</wp:author_login>"
                  "<wp:author_email>%s</wp:author_email><wp:author_display_name>%s"
                  "</wp:author_display_name></wp:author>\n"
                  % (a + 1, cdata("author%d" % a), cdata("author%d@example.org" % a),
                     cdata("Author %d" % a)))
    out.write("\t<wp:category><wp:term_id>2</wp:term_id><wp:category_nicename>%s"
              "</wp:category_nicename><wp:category_parent>%s</wp:category_parent><wp:cat_name>%s"
              "</wp:cat_name></wp:category>\n" % (cdata("episodes"), cdata(""), cdata("Episodes")))
    for f in range(args.films):
        out.write("\t<wp:category><wp:term_id>%d</wp:term_id><wp:category_nicename>%s"
                  "</wp:category_nicename><wp:category_parent>%s</wp:category_parent>"
                  "<wp:cat_name>%s</wp:cat_name></wp:category>\n"
                  % (10 + f, cdata("film-%d" % f), cdata("episodes"), cdata("Film %d" % f)))
    for t in range(30):
        out.write("\t<wp:tag><wp:term_id>%d</wp:term_id><wp:tag_slug>%s</wp:tag_slug>"
                  "<wp:tag_name>%s</wp:tag_name></wp:tag>\n"
                  % (100 + t, cdata("tag-%d" % t), cdata("Tag %d" % t)))

    post_id = 10
    while out.size < target:
        item(rng, out, post_id, "post", args.films)
        if post_id % 7 == 0:
            attachment(out, post_id + 1, post_id)
        post_id += 2
    out.write("</channel>\n</rss>\n")
    if args.gzip:
        stream.close()
    if raw is not sys.stdout.buffer:
        raw.close()


if __name__ == "__main__":
    main()
