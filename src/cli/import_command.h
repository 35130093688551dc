// `reelpress import DIR FILE [--uploads FOLDER]`: imports a WordPress export (WXR, plain or gzip)
// into the site in DIR, in one transaction, with a progress bar when stdout is a terminal and a
// one-line summary at the end. See importer/wxr_importer.h for what is imported and how. A WXR
// holds no files: with --uploads, the old site's uploads folder is copied into DIR/media/ after the
// import (importer/uploads.h), and its files answer at their old URLs.
//
// Example:
//   $ reelpress import my-site wordpress.2011-07-12.xml.gz
//   Imported 2012 entries, 4 pages, 6004 comments, 58 categories, 23 tags, 3 users and 1
//   attachment from http://www.example.org (WIDE ANGLE); skipped nothing.
#pragma once

#include <string>

namespace reelpress::cli {

// Returns the exit status: 0 when imported; 2 when DIR is not a site or FILE cannot be
// imported (missing, not a WXR, broken, hostile) or --uploads is not a folder, with "reelpress:
// <message>" on stderr; 1 for a failure while working (disk full, the database busy for too long).
int run_import(const std::string& dir, const std::string& file, const std::string& uploads);

}  // namespace reelpress::cli
