print("rundbrief")
