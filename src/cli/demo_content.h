// The demo series (demo/demo.json, compiled into the binary): what `reelpress init --demo`
// and `make run` show, and what the end-to-end tests read.
#pragma once

#include <string_view>

#include "config/site_config.h"
#include "store/store.h"
#include "util/clock.h"

namespace reelpress::cli {

// The demo's site settings ([site] title, tagline, producer, copyright holder) on top of
// the defaults.
util::Result<config::SiteSettings> demo_settings();

// Loads the demo content into an empty store, in one transaction: nothing is half-loaded.
util::Status load_demo_content(store::Store& store, const util::Clock& clock);

// Loads content in the demo's JSON format (exposed for tests with their own documents).
util::Status load_content_json(store::Store& store, std::string_view json,
                               const util::Clock& clock);

}  // namespace reelpress::cli
