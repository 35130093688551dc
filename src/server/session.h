// One client connection: reads requests, asks the handler, writes responses, until the
// client closes, a timeout or limit ends it, or the server stops. Internal to the server.
#pragma once

#include <boost/asio/basic_stream_socket.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "server/worker.h"

namespace reelpress::server {

// Sockets are bound to their worker's io_context by type, not through the type-erased
// any_io_executor, which would cost an indirection on every operation.
using Socket =
    boost::asio::basic_stream_socket<boost::asio::ip::tcp, boost::asio::io_context::executor_type>;

// Starts serving `socket` (already connected, bound to worker.io_context()) on `worker`.
// Returns at once; the session runs as a coroutine on the worker's thread and owns the
// socket. Call on any thread.
void start_session(Worker& worker, Socket socket);

}  // namespace reelpress::server
