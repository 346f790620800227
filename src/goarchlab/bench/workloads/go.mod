module goarchlab.local/workloads

go 1.20
