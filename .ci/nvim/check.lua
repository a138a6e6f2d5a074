-- Neovim's built-in LSP client on `pitfalls server` (run by .ci/nvim-check,
-- headless): open app.py, wait for the diagnostics, write them as JSON.
-- Works with Neovim 0.7 (Debian's) and later.
local bin = assert(os.getenv("PITFALLS_BIN"))
local out = assert(os.getenv("NVIM_RESULT"))

vim.cmd("edit app.py")
local client_id = vim.lsp.start_client({
  name = "pitfalls",
  cmd = { bin, "server" },
  root_dir = vim.fn.getcwd(),
})
vim.lsp.buf_attach_client(0, client_id)

vim.wait(10000, function()
  return #vim.diagnostic.get(0) > 0
end, 20)

local found = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  local lsp = d.user_data and d.user_data.lsp or {}
  table.insert(found, {
    code = d.code or lsp.code,
    lnum = d.lnum,
    col = d.col,
    source = d.source,
    message = d.message,
  })
end
vim.fn.writefile({ vim.fn.json_encode(found) }, out)

vim.lsp.stop_client(client_id)
vim.wait(5000, function()
  return vim.lsp.client_is_stopped(client_id)
end, 20)
vim.cmd("qa!")
