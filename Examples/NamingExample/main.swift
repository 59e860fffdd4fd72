print("naming-example")
