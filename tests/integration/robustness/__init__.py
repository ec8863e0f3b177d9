"""The HTTP/1.1 robustness suite (issue 17): cases.py is the table of cases, peers.py starts each proxy
under test in front of a recording backend, play.py plays one case against one proxy, judge.py decides."""
