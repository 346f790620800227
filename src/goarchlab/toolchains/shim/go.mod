module goarchlab.invalid/shim

go 1.21
