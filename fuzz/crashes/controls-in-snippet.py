import time

async def h():
    time.sleep(1); s = "[2J]0;pwned‮31m"  # 
    y = 1z = 2
