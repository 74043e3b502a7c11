"""Django's Redis cache, with one client object per connection pool.

Django's RedisCacheClient builds a new ``redis.Redis`` for every operation,
and each one copies redis-py's table of about 170 response callbacks: a sixth
of a millisecond per cache read, which is most of what a cached plan page
costs. A client is safe to share between threads (the pool hands out the
connections), so one per pool is kept and reused.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    def validate_key(self, key):
        """Redis takes any key: memcached's limits (250 characters, no spaces or control
        characters), which Django checks character by character on every read, do not
        apply. Our keys are digests and ids."""
