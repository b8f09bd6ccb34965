// The page Heroku's router serves when it cannot reach a web dyno (H10, H12, H13, H14, H20 all
// show the same "Application error" page; the code only appears in the router log).

export type RouterErrorCode = 'H10' | 'H12' | 'H13' | 'H14' | 'H20';

export const ROUTER_ERRORS: Readonly<Record<RouterErrorCode, string>> = {
  H10: 'App crashed',
  H12: 'Request timeout',
  H13: 'Connection closed without response',
  H14: 'No web processes running',
  H20: 'App boot timeout',
};

export const APPLICATION_ERROR_PAGE = `<!DOCTYPE html>
<html>
  <head>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta charset="utf-8">
    <title>Application Error</title>
    <style media="screen">
      html,body,iframe { margin: 0; padding: 0; }
      html,body { height: 100%; overflow: hidden; }
      iframe { width: 100%; height: 100%; border: 0; }
    </style>
  </head>
  <body>
    <h1>Application error</h1>
    <p>An error occurred in the application and your page could not be served. If you are the
    application owner, check your logs for details. You can do this from the Heroku CLI with
    the command <code>heroku logs --tail</code></p>
  </body>
</html>
`;
