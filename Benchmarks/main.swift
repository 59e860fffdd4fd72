print("nacos-bench: not yet implemented")
