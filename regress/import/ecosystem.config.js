// PM2's usual ecosystem file is a JavaScript module: vigilctl refuses it.
module.exports = {
  apps: [{
    name: 'api',
    script: 'server.sh',
    instances: require('os').cpus().length,
    env: { NODE_ENV: process.env.NODE_ENV || 'development' }
  }]
};
