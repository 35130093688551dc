// One client connection: reads requests, asks the handler, writes responses, until the
// client closes, a timeout or limit ends it, or the server stops. Internal to the server.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include "server/worker.h"

namespace reelpress::server {

// Starts serving `socket` (already connected, bound to worker.io_context()) on `worker`.
// Returns at once; the session runs as a coroutine on the worker's thread and owns the
// socket. Call on any thread.
void start_session(Worker& worker, boost::asio::ip::tcp::socket socket);

}  // namespace reelpress::server
