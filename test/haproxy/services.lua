-- Lua services the HAProxy real-server tests load (`lua-load`, real-cases.ts and use-service.test.ts).

-- Answers with the status the request's `status=` argument names (200 without one), like the
-- HTTP test backend, and sends no Set-Cookie line: what the linter assumes of a Lua service.
core.register_service("lpc_status", "http", function(applet)
  local status = tonumber(string.match(applet.qs or "", "status=(%d+)")) or 200
  applet:set_status(status)
  applet:add_header("content-length", "2")
  applet:start_response()
  applet:send("ok")
end)

-- Sends cookies of its own, with spaces around `=` in one: which response rules touch them.
core.register_service("lpc_cookies", "http", function(applet)
  applet:set_status(200)
  applet:add_header("set-cookie", "XSRF-TOKEN=svc; Path=/")
  applet:add_header("set-cookie", "SRV = svc; Path=/")
  applet:add_header("content-length", "2")
  applet:start_response()
  applet:send("ok")
end)
