// The UI's entry: one route per zot UI path, rendered into #app.
import { render } from 'preact';
import { Layout } from './components/layout.js';
import { ExplorePage } from './pages/explore.js';
import { ImagePage } from './pages/image.js';
import { LoginPage } from './pages/login.js';
import { RepoPage } from './pages/repo.js';
import { UserPage } from './pages/user.js';
import { interceptLinks, parseRoute, useLocation } from './router.js';
import './styles.css';

function App() {
  const route = parseRoute(useLocation());
  switch (route.page) {
    case 'login':
      return <LoginPage next={route.next} />;
    case 'explore':
      return <ExplorePage params={route.params} />;
    case 'repo':
      return <RepoPage key={route.repo} repo={route.repo} />;
    case 'image':
      return <ImagePage repo={route.repo} tag={route.tag} digest={route.digest} />;
    case 'user':
      return <UserPage />;
    default:
      return (
        <Layout title="Not found">
          <h1>Page not found</h1>
          <p>
            Nothing lives at <code>{route.path}</code>. <a href="/home">See the repositories</a>.
          </p>
        </Layout>
      );
  }
}

interceptLinks();
const root = document.getElementById('app');
if (root) render(<App />, root);
