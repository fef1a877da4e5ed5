"""The Lua filter Envoy runs ahead of the gRPC-JSON transcoder: it lists the top-level keys of a
REST request's JSON body in ``x-tradex-json-fields`` so the service can refuse unknown fields
(services/platform/json_fields.py explains why the transcoder cannot). Any value the client sent in
that header is removed first; gRPC requests and bodiless requests pass untouched. A body the scanner
cannot read as a JSON object gets no header: the transcoder then refuses it as bad JSON, or the
service sees no list (nothing to check). Keys are listed raw (an escaped key stays escaped, so it
is unknown), joined by commas (no field name contains one)."""
from __future__ import annotations

JSON_FIELDS_HEADER = "x-tradex-json-fields"

JSON_FIELDS_LUA = r"""
local HEADER = "x-tradex-json-fields"

local function top_level_keys(s)
  local i, n = 1, #s
  local function ws()
    while i <= n do
      local c = s:byte(i)
      if c == 32 or c == 9 or c == 10 or c == 13 then i = i + 1 else return end
    end
  end
  local function str()
    local start = i + 1
    i = i + 1
    while i <= n do
      local c = s:byte(i)
      if c == 92 then
        i = i + 2
      elseif c == 34 then
        local v = s:sub(start, i - 1)
        i = i + 1
        return v
      else
        i = i + 1
      end
    end
    return nil
  end
  local function skip_value()
    ws()
    local c = s:byte(i)
    if c == nil then return false end
    if c == 34 then return str() ~= nil end
    if c == 123 or c == 91 then
      local depth = 0
      while i <= n do
        c = s:byte(i)
        if c == 34 then
          if str() == nil then return false end
        else
          if c == 123 or c == 91 then
            depth = depth + 1
          elseif c == 125 or c == 93 then
            depth = depth - 1
          end
          i = i + 1
          if depth == 0 then return true end
        end
      end
      return false
    end
    local start = i
    while i <= n do
      c = s:byte(i)
      if c == 44 or c == 125 or c == 93 or c == 32 or c == 9 or c == 10 or c == 13 then break end
      i = i + 1
    end
    return i > start
  end
  ws()
  if s:byte(i) ~= 123 then return nil end
  i = i + 1
  local keys = {}
  ws()
  if s:byte(i) == 125 then return keys end
  while true do
    ws()
    if s:byte(i) ~= 34 then return nil end
    local k = str()
    if k == nil then return nil end
    keys[#keys + 1] = k
    ws()
    if s:byte(i) ~= 58 then return nil end
    i = i + 1
    if not skip_value() then return nil end
    ws()
    local c = s:byte(i)
    if c == 44 then
      i = i + 1
    elseif c == 125 then
      return keys
    else
      return nil
    end
  end
end

function envoy_on_request(handle)
  local headers = handle:headers()
  headers:remove(HEADER)
  local content_type = headers:get("content-type") or ""
  if content_type:sub(1, 16) == "application/grpc" then return end
  local method = headers:get(":method")
  if method == "GET" or method == "HEAD" or method == "OPTIONS" then return end
  local body = handle:body()
  if body == nil or body:length() == 0 then return end
  local keys = top_level_keys(body:getBytes(0, body:length()))
  if keys ~= nil and #keys > 0 then
    -- body() yielded: header objects taken before it are out of scope, take them again
    handle:headers():replace(HEADER, table.concat(keys, ","))
  end
end
"""
